import { getAuth } from './auth';

// What of better-auth's HTTP API the browser may call at /api/auth. An allow-list, so an endpoint a
// better-auth upgrade adds stays closed until someone decides it should be open. Accounts, workspaces,
// members and roles are created and changed by server code behind the audited role checks (tRPC), never
// through better-auth's own routes: open sign-up and self-service organizations would bypass them.
const OPEN: Record<string, readonly string[]> = {
  GET: ['/get-session', '/list-sessions', '/organization/list', '/organization/get-invitation', '/ok'],
  POST: [
    '/sign-in/email',
    '/sign-out',
    '/revoke-session',
    '/revoke-sessions',
    '/revoke-other-sessions',
    '/change-password',
    '/organization/set-active',
    '/organization/accept-invitation',
    '/organization/reject-invitation',
  ],
};

export const AUTH_BASE_PATH = '/api/auth';

/** Whether `method pathname` (the full path, /api/auth/…) is one of the better-auth endpoints open over HTTP. */
export function isOpenAuthEndpoint(method: string, pathname: string): boolean {
  if (!pathname.startsWith(`${AUTH_BASE_PATH}/`)) return false;
  const endpoint = pathname.slice(AUTH_BASE_PATH.length).replace(/\/+$/, '');
  return OPEN[method.toUpperCase()]?.includes(endpoint) ?? false;
}

/** Answers /api/auth/* with better-auth, for the open endpoints only. */
export async function serveAuthRequest(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  if (!isOpenAuthEndpoint(req.method, pathname)) {
    return Response.json({ error: `${req.method} ${pathname} is not available over HTTP` }, { status: 404 });
  }
  const res = await getAuth().handler(req);
  // better-auth's rate limiter names the wait X-Retry-After; HTTP clients look for Retry-After.
  const wait = res.headers.get('x-retry-after');
  if (res.status === 429 && wait && !res.headers.has('retry-after')) {
    const headers = new Headers(res.headers);
    headers.set('retry-after', String(Math.max(1, Math.ceil(Number(wait) || 1))));
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
  return res;
}
