import { authenticate } from '../auth/principal';
import { hasWorkspace, withWorkspace } from '../infra/workspace';

// Handlers not yet made with `route()` (server/rest/route.ts) still answer through `handle()`: they run in
// the workspace of the credential the request carries, so no route reads or writes another workspace's
// rows. A request with no valid credential gets no workspace, and a handler that needs one answers 401
// (NoWorkspaceError). Once every route is made with `route()`, the scope is always set and this does nothing.

/** Runs `work` in the workspace of the caller these headers name, unless a workspace is already set. */
export async function inCallerWorkspace<T>(headers: Headers | null, work: () => Promise<T>): Promise<T> {
  if (hasWorkspace() || !headers) return work();
  const caller = await authenticate(headers);
  return caller?.workspaceId ? withWorkspace(caller.workspaceId, work, caller) : work();
}

/** The headers of the Next.js request being answered; null outside one (unit tests, the predict fast path). */
export async function nextRequestHeaders(): Promise<Headers | null> {
  try {
    const { headers } = await import('next/headers');
    return new Headers(await headers());
  } catch {
    return null;
  }
}
