import { getSessionCookie } from 'better-auth/cookies';

// Which pages a visitor without a session is sent to sign in from. Pages hold no data (they load it
// through the API, which checks every call), so this only spares a person an empty page: it looks for
// a session cookie, and a client sending an API token is let through to the page shell.

/** Pages for people who are not signed in (yet). */
const OPEN_PAGES = [/^\/sign-in\/?$/, /^\/setup\/?$/, /^\/invite\/[^/]+\/?$/];
/** Pages that make no sense without sign-in; with MILLRACE_AUTH=off they lead to the overview. */
const AUTH_ONLY_PAGES = [/^\/sign-in\/?$/, /^\/setup\/?$/, /^\/invite\/[^/]+\/?$/, /^\/account\/?$/, /^\/settings\/members\/?$/];

export type PageVerdict = { redirect: string } | null;

function isPage(method: string, pathname: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (pathname.startsWith('/api/') || pathname.startsWith('/_next/')) return false;
  // Files from public/ (theme.js, icon.svg, …) and Next's metadata files.
  return !/\.[A-Za-z0-9]+$/.test(pathname.split('/').pop() ?? '');
}

/** Where to send a page request instead, or null to serve it. `search` keeps the query for the way back. */
export function pageRedirect(
  req: { method: string; pathname: string; search: string; headers: Headers },
  auth: 'on' | 'off',
): PageVerdict {
  if (!isPage(req.method, req.pathname)) return null;
  if (auth === 'off') return AUTH_ONLY_PAGES.some((page) => page.test(req.pathname)) ? { redirect: '/' } : null;
  if (OPEN_PAGES.some((page) => page.test(req.pathname))) return null;
  if (getSessionCookie(req.headers) || req.headers.has('authorization')) return null;
  const back = `${req.pathname}${req.search}`;
  return { redirect: back === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(back)}` };
}

export { safeNext } from '../../workflows/core/safe-next';
