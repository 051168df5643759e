import { AsyncLocalStorage } from 'node:async_hooks';
import { eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { workspaces } from '../../db/schema';

let cachedId: string | undefined;

/** The workspace every row belongs to until accounts arrive: created on first use. */
export async function defaultWorkspaceId(): Promise<string> {
  if (cachedId) return cachedId;
  const db = getDb();
  await db.insert(workspaces).values({ slug: 'default', name: 'Default' }).onConflictDoNothing();
  const [row] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, 'default'));
  cachedId = row!.id;
  return cachedId;
}

// The caller's workspace for the rest of a request, set once where the caller is checked. On globalThis
// because route bundles may each load their own copy of this module.
const globalForWorkspace = globalThis as unknown as { __millraceWorkspace?: AsyncLocalStorage<string> };
const storage = (globalForWorkspace.__millraceWorkspace ??= new AsyncLocalStorage<string>());

/** Runs `fn` (and everything it awaits) in the given workspace. */
export function withWorkspace<T>(workspaceId: string, fn: () => T): T {
  return storage.run(workspaceId, fn);
}

/** The workspace of the current request; throws outside one, so a forgotten scope fails instead of leaking. */
export function currentWorkspaceId(): string {
  const id = storage.getStore();
  if (!id) throw new Error('No workspace is set for this call: it must run inside withWorkspace (a checked request, or a run of that workspace).');
  return id;
}
