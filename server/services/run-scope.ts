import { and, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { runs } from '../../db/schema';
import { notFound } from '../infra/errors';
import { currentWorkspaceId } from '../infra/workspace';

// Run ids are global, so every lookup by id also checks the caller's workspace: a run of another
// workspace answers exactly like a missing one (404), never 403, so ids cannot be probed.

/** The SQL condition "this run, in the caller's workspace". */
export const runOfThisWorkspace = (runId: string) => and(eq(runs.id, runId), eq(runs.workspaceId, currentWorkspaceId()));

/** Throws not_found unless the run exists in the caller's workspace. */
export async function requireRunOfThisWorkspace(runId: string): Promise<void> {
  const [row] = await getDb().select({ id: runs.id }).from(runs).where(runOfThisWorkspace(runId));
  if (!row) throw notFound(`Run "${runId}"`);
}
