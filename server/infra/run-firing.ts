import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { getDb } from '../../db/client';
import { triggerFirings } from '../../db/schema';

// What a schedule or trigger records with the run it starts (table trigger_firings). Written in the
// same transaction as the run row, so a firing key that was already used refuses the second run.

export interface RunFiring {
  /** Idempotency: one run per key (a retried activity or webhook call finds the first one). */
  key: string;
  kind: 'schedule' | 'dataset' | 'webhook' | 'pipeline' | 'step';
  scheduleId?: string;
  triggerId?: string;
  /** The time the schedule meant the run for (a backfill's past times included). */
  scheduledAt?: Date;
  payload?: unknown;
  originRunId?: string;
  /** Pipelines of a chain of pipeline-success triggers that led here, oldest first. */
  chain?: string[];
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export async function recordFiring(
  tx: Tx,
  f: RunFiring & { runId?: string; workspaceId: string; params?: Record<string, unknown>; status?: 'started' | 'refused' | 'failed'; message?: string },
) {
  await tx.insert(triggerFirings).values({
    key: f.key,
    workspaceId: f.workspaceId,
    kind: f.kind,
    scheduleId: f.scheduleId,
    triggerId: f.triggerId,
    runId: f.runId,
    status: f.status ?? 'started',
    message: f.message,
    scheduledAt: f.scheduledAt,
    params: f.params ?? null,
    payload: f.payload ?? null,
    originRunId: f.originRunId,
    chain: f.chain ?? [],
  });
}

export async function firingByKey(key: string) {
  const [row] = await getDb().select().from(triggerFirings).where(eq(triggerFirings.key, key));
  return row;
}

export async function firingOfRun(runId: string) {
  const [row] = await getDb().select().from(triggerFirings).where(eq(triggerFirings.runId, runId));
  return row;
}

/** Postgres' unique violation on the firing key: another attempt recorded this firing first. */
export function isDuplicateFiring(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const pg = e as { code?: string; constraint_name?: string; constraint?: string };
    if (pg.code === '23505' && `${pg.constraint_name ?? pg.constraint ?? ''}`.includes('trigger_firings_key')) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
