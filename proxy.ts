import { NextResponse, type NextRequest } from 'next/server';
import { pageRedirect } from './server/auth/page-access';
import { config as millraceConfig } from './server/infra/config';
import { checkRequest, refusal } from './server/rest/request-guard';

// Every request passes the request guard: Host must be one the app serves, API changes must come
// from its own pages (or from clients without an Origin, like the CLI) with a non-form Content-Type.
export function proxy(request: NextRequest) {
  const { port, host, allowedHosts, auth } = millraceConfig();
  const verdict = checkRequest(
    { method: request.method, pathname: request.nextUrl.pathname, headers: request.headers },
    { port, host, allowedHosts },
  );
  if (!verdict.ok) return refusal(verdict);
  // Pages need a session (sign-in, then back); with MILLRACE_AUTH=off the sign-in pages lead home.
  const { pathname, search } = request.nextUrl;
  const page = pageRedirect({ method: request.method, pathname, search, headers: request.headers }, auth);
  if (page) return NextResponse.redirect(new URL(page.redirect, request.url));
}

export const config = {
  // Next buffers (and past 10 MB silently cuts) the body of every request the proxy runs on, so the
  // two routes that take big bodies are skipped here and call the same guard themselves
  // (refuseUnsafeRequest in server/rest/http.ts): dataset upload and prediction.
  matcher: ['/((?!api/v1/datasets$|api/v1/endpoints/[^/]+/predict$).*)'],
};
