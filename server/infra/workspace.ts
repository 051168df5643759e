import { AsyncLocalStorage } from 'node:async_hooks';
import { eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { runs, scheduleNotes, triggers, workspaces } from '../../db/schema';

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

/** Thrown when workspace data is asked for outside a workspace: a request with no credential answers 401. */
export class NoWorkspaceError extends Error {
  constructor() {
    super('No workspace is set for this call: it must run inside withWorkspace (a checked request, or a run of that workspace).');
    this.name = 'NoWorkspaceError';
  }
}

/** The workspace of the current request; throws outside one, so a forgotten scope fails instead of leaking. */
export function currentWorkspaceId(): string {
  const id = storage.getStore();
  if (!id) throw new NoWorkspaceError();
  return id;
}

/** Whether a workspace is set for the current call. */
export function hasWorkspace(): boolean {
  return storage.getStore() !== undefined;
}

/**
 * The workspace a run belongs to. Work done for a run outside any request (its steps, its bookkeeping, the
 * runs its success starts) runs there, so what it writes lands beside the run.
 */
export async function runWorkspaceId(runId: string): Promise<string> {
  const [row] = await getDb().select({ workspaceId: runs.workspaceId }).from(runs).where(eq(runs.id, runId));
  if (!row) throw new Error(`Run "${runId}" was not found, so its workspace is not known`);
  return row.workspaceId;
}

/** Runs `fn` in the workspace of the run. */
export async function withRunWorkspace<T>(runId: string, fn: () => Promise<T>): Promise<T> {
  return withWorkspace(await runWorkspaceId(runId), fn);
}

const UUID_PREFIX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:/i;

/**
 * The workspace of a schedule, by its Temporal id: from its note row. A schedule whose note is gone and whose
 * id has no workspace prefix was made in `default` (only other workspaces prefix their ids).
 */
export async function scheduleWorkspaceId(scheduleId: string): Promise<string> {
  const [row] = await getDb().select({ workspaceId: scheduleNotes.workspaceId }).from(scheduleNotes).where(eq(scheduleNotes.scheduleId, scheduleId));
  if (row) return row.workspaceId;
  if (!UUID_PREFIX.test(scheduleId)) return defaultWorkspaceId();
  const workspaceId = scheduleId.slice(0, 36);
  const [ws] = await getDb().select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!ws) throw new Error(`Schedule "${scheduleId}" belongs to workspace ${workspaceId}, which no longer exists`);
  return ws.id;
}

/** The workspace of a trigger, or undefined when it was deleted. */
export async function triggerWorkspaceId(triggerId: string): Promise<string | undefined> {
  const [row] = await getDb().select({ workspaceId: triggers.workspaceId }).from(triggers).where(eq(triggers.id, triggerId));
  return row?.workspaceId;
}
