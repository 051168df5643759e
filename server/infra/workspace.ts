import { AsyncLocalStorage } from 'node:async_hooks';
import { eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { runs, scheduleNotes, triggers, workspaces } from '../../db/schema';
import { WORKSPACE_ROLES, type WorkspaceRole } from '../../workflows/core/workspace-roles';

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
const globalForWorkspace = globalThis as unknown as { __millraceWorkspaceScope?: AsyncLocalStorage<Scope> };
const storage = (globalForWorkspace.__millraceWorkspaceScope ??= new AsyncLocalStorage<Scope>());

/**
 * Who a call acts for, as runs record it (runs.started_by / started_role): the checked caller of a request,
 * or the creator of the schedule or trigger that fires. `role` null: a caller with no role here.
 */
export interface Actor {
  label: string;
  role: WorkspaceRole | null;
}

interface Scope {
  workspaceId: string;
  actor?: Actor;
}

/** Runs `fn` (and everything it awaits) in the given workspace, acting for `actor` when one is given. */
export function withWorkspace<T>(workspaceId: string, fn: () => T, actor?: Actor): T {
  return storage.run({ workspaceId, actor: actor ? { label: actor.label, role: actor.role } : undefined }, fn);
}

/** Who the current call acts for; undefined outside a request or a firing that named one. */
export function currentActor(): Actor | undefined {
  return storage.getStore()?.actor;
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
  const id = storage.getStore()?.workspaceId;
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
  return (await runOwner(runId)).workspaceId;
}

/** A run's workspace, and whose authority it has (what it starts gets the same). */
async function runOwner(runId: string): Promise<{ workspaceId: string; actor: Actor }> {
  const [row] = await getDb()
    .select({ workspaceId: runs.workspaceId, startedBy: runs.startedBy, startedRole: runs.startedRole })
    .from(runs)
    .where(eq(runs.id, runId));
  if (!row) throw new Error(`Run "${runId}" was not found, so its workspace is not known`);
  const actor = row.startedBy === null ? creatorActor(`run ${runId}`, row.startedRole, 'started before accounts') : roleActor(row.startedBy, row.startedRole);
  return { workspaceId: row.workspaceId, actor };
}

/** Runs `fn` in the workspace of the run, with the run's authority. */
export async function withRunWorkspace<T>(runId: string, fn: () => Promise<T>): Promise<T> {
  const owner = await runOwner(runId);
  return withWorkspace(owner.workspaceId, fn, owner.actor);
}

/** A recorded role, checked: an unknown one grants nothing. */
const roleActor = (label: string, role: string | null): Actor => ({
  label,
  role: role !== null && (WORKSPACE_ROLES as readonly string[]).includes(role) ? (role as WorkspaceRole) : null,
});

const UUID_PREFIX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:/i;

/**
 * The authority a schedule or trigger starts runs with: its creator's, as recorded when it was made. One made
 * before accounts (no role recorded) keeps the authority every caller had then, admin's.
 */
export function creatorActor(createdBy: string, createdRole: string | null, what: string): Actor {
  return createdRole === null ? { label: `${createdBy} (${what})`, role: 'admin' } : roleActor(`${createdBy} (${what})`, createdRole);
}

/**
 * The workspace of a schedule, by its Temporal id, and whose authority its runs have: from its note row. A
 * schedule whose note is gone and whose id has no workspace prefix was made in `default` (only other
 * workspaces prefix their ids); its runs then have no role.
 */
export async function scheduleOwner(scheduleId: string): Promise<{ workspaceId: string; actor: Actor }> {
  const [row] = await getDb()
    .select({ workspaceId: scheduleNotes.workspaceId, name: scheduleNotes.name, createdBy: scheduleNotes.createdBy, createdRole: scheduleNotes.createdRole })
    .from(scheduleNotes)
    .where(eq(scheduleNotes.scheduleId, scheduleId));
  if (row) return { workspaceId: row.workspaceId, actor: creatorActor(row.createdBy, row.createdRole, `schedule "${row.name}"`) };
  const orphan: Actor = { label: `schedule ${scheduleId}`, role: null };
  if (!UUID_PREFIX.test(scheduleId)) return { workspaceId: await defaultWorkspaceId(), actor: orphan };
  const workspaceId = scheduleId.slice(0, 36);
  const [ws] = await getDb().select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!ws) throw new Error(`Schedule "${scheduleId}" belongs to workspace ${workspaceId}, which no longer exists`);
  return { workspaceId: ws.id, actor: orphan };
}

/** The workspace of a trigger and whose authority its runs have, or undefined when it was deleted. */
export async function triggerOwner(triggerId: string): Promise<{ workspaceId: string; actor: Actor } | undefined> {
  const [row] = await getDb()
    .select({ workspaceId: triggers.workspaceId, kind: triggers.kind, createdBy: triggers.createdBy, createdRole: triggers.createdRole })
    .from(triggers)
    .where(eq(triggers.id, triggerId));
  return row && { workspaceId: row.workspaceId, actor: creatorActor(row.createdBy, row.createdRole, `${row.kind} trigger`) };
}
