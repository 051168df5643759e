import fs from 'node:fs/promises';
import path from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '../../../db/client';
import { runs, runSteps } from '../../../db/schema';
import { notifyRunFinished } from '../../../server/infra/notifications';
import { config } from '../../../server/infra/config';
import { withRunWorkspace } from '../../../server/infra/workspace';
import type { RunStatus, StepStatus } from '../../core/plan';
import { startFollowingRuns } from './run-triggers';

// Small idempotent activities the interpreter uses to mirror run and step status into Postgres.

export async function recordRunStatus(input: { runId: string; status: RunStatus; error?: string; skipUnfinished?: boolean }) {
  const db = getDb();
  const terminal = input.status !== 'running' && input.status !== 'queued';
  await db
    .update(runs)
    .set({
      status: input.status,
      error: input.error ?? null,
      startedAt: sql`coalesce(${runs.startedAt}, now())`,
      finishedAt: terminal ? sql`now()` : null,
    })
    .where(eq(runs.id, input.runId));
  if (input.skipUnfinished) {
    // A step that was running when the run was cancelled is marked so (its outputs are discarded);
    // those that never started were skipped.
    await db
      .update(runSteps)
      .set({ status: 'cancelled', finishedAt: sql`now()`, error: 'Run cancelled while this step ran; its outputs are discarded' })
      .where(and(eq(runSteps.runId, input.runId), eq(runSteps.status, 'running')));
    await db
      .update(runSteps)
      .set({ status: 'skipped', finishedAt: sql`now()`, error: 'Run cancelled' })
      .where(and(eq(runSteps.runId, input.runId), inArray(runSteps.status, ['pending'])));
  }
  // Pipelines triggered by this one's success start now (once each: the firing key is per source run), in
  // this run's workspace.
  if (input.status === 'succeeded') await withRunWorkspace(input.runId, () => startFollowingRuns(input.runId));
  // In-app and webhook notifications; idempotent, so a retry of this activity notifies once.
  if (terminal) await notifyRunFinished(input.runId, input.status);
  // A finished run's fits need no scratch space any more (a fit stopped by a crash or a cancel may have left some).
  if (terminal) {
    await fs.rm(path.join(config().tmpDir, 'fit', input.runId), { recursive: true, force: true });
    // …nor do its steps' scratch folders (a step on a worker that was killed leaves its own behind).
    await fs.rm(path.join(config().tmpDir, 'steps', input.runId), { recursive: true, force: true });
  }
}

export async function recordStepOutcome(input: { runId: string; nodeId: string; status: Extract<StepStatus, 'failed' | 'skipped'>; error?: string }) {
  await getDb()
    .update(runSteps)
    .set({ status: input.status, error: input.error ?? null, finishedAt: sql`now()` })
    .where(and(eq(runSteps.runId, input.runId), eq(runSteps.nodeId, input.nodeId)));
}
