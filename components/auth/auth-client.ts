'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';

// The browser's calls to better-auth's open endpoints (server/auth/auth-http.ts lists them).

export interface AuthAnswer<T = unknown> {
  ok: boolean;
  status: number;
  data: T | null;
  /** A sentence for the person: better-auth's message, or what the status means. */
  error: string | null;
}

export async function authCall<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<AuthAnswer<T>> {
  let res: Response;
  try {
    res = await fetch(`/api/auth${path}`, {
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

/** Opens `path` after the session changed (signed in, out, other workspace): nothing cached from before stays on screen. */
export function useSessionChange() {
  const router = useRouter();
  const queryClient = useQueryClient();
  return (path: string) => {
    // Reset (not clear): mounted queries such as the header's `me` fetch again for the new session.
    void queryClient.resetQueries();
    // No router.refresh(): it would cancel the navigation just queued; no server-rendered part depends on the session.
    router.replace(path);
  };
}
