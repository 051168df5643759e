'use client';


// The browser's calls to better-auth's open endpoints (server/auth/auth-http.ts lists them).

export interface AuthAnswer<T = unknown> {
  ok: boolean;
  status: number;
  data: T | null;
  /** A sentence for the person: better-auth's message, or what the status means. */
  error: string | null;
}

export function authCall<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<AuthAnswer<T>> {
  return accountCall<T>(method, `/api/auth${path}`, body);
}

/** A JSON call to an account route of this app (better-auth's, set-up, invitations), answered as a sentence on failure. */
export async function accountCall<T = unknown>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<AuthAnswer<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
  } catch (err) {
    return { ok: false, status: 0, data: null, error: `Cannot reach Millrace: ${(err as Error).message}` };
  }
  const data = (await res.json().catch(() => null)) as (T & { message?: string; error?: string }) | null;
  if (res.ok) return { ok: true, status: res.status, data, error: null };
  if (res.status === 429) {
    const wait = Number(res.headers.get('retry-after')) || 60;
    return { ok: false, status: 429, data: null, error: `Too many attempts, try again in ${wait} s` };
  }
  return { ok: false, status: res.status, data: null, error: data?.message || data?.error || `The server answered ${res.status}` };
}

/**
 * Opens `path` after the session changed (signed in, out, other workspace) with a full page load: the router's
 * prefetch cache may hold redirects to sign-in from before, and no data of the old session may stay on screen.
 */
export function reloadAt(path: string) {
  window.location.replace(path);
}
