import { and, asc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { pipelineVersions, runs, runStepLogs } from '../../db/schema';
import type { Plan } from '../../workflows/core/plan';
import { notFound } from '../infra/errors';
import { runOfThisWorkspace } from './run-scope';

export const STEP_LOG_PAGE = 1000;

/** Which lines of one step's log: those after the id `after` (the last one a reader has), at most `limit`. */
export const stepLogsQuery = z.strictObject({
  runId: z.uuid({ error: 'runId: a run id (a UUID)' }),
  nodeId: z.string().min(1, 'nodeId: a step id').max(64, 'nodeId: at most 64 characters'),
  after: z.number({ error: 'after: a whole number (a line id)' }).int().min(0).optional(),
  limit: z.number({ error: 'limit: a whole number' }).int().min(1).max(STEP_LOG_PAGE, `limit: at most ${STEP_LOG_PAGE}`).optional(),
});
export type StepLogsQuery = z.infer<typeof stepLogsQuery>;

export const stepLogLine = z.object({
  id: z.number().int().describe('Increasing within the run; pass the last one as `after` to read only newer lines'),
  attempt: z.number().int(),
  at: z.string().describe('When the step said it (ISO 8601)'),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});
export const stepLogsResponse = z.object({
  lines: z.array(stepLogLine),
  /** The id to pass as `after` next time (the last line's, or the `after` given when there is none). */
  after: z.number().int(),
  more: z.boolean().describe('More lines follow at once: read again with `after`'),
});

/**
 * A step's log lines in the order they were said: progress, row counts, verdicts and failed attempts. A
 * reader tails a running step by asking again with the last id it has.
 */
export async function stepLogs(raw: StepLogsQuery) {
  const { runId, nodeId, after = 0, limit = STEP_LOG_PAGE } = stepLogsQuery.parse(raw);
  const db = getDb();
  const [run] = await db
    .select({ plan: pipelineVersions.plan })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .where(runOfThisWorkspace(runId));
  if (!run) throw notFound(`Run "${runId}"`);
  if (!(run.plan as Plan).steps.some((s) => s.id === nodeId)) throw notFound(`Step "${nodeId}" of run ${runId}`);
  const rows = await db
    .select({ id: runStepLogs.id, attempt: runStepLogs.attempt, at: runStepLogs.at, level: runStepLogs.level, message: runStepLogs.message })
    .from(runStepLogs)
    .where(and(eq(runStepLogs.runId, runId), eq(runStepLogs.nodeId, nodeId), gt(runStepLogs.id, after)))
    .orderBy(asc(runStepLogs.id))
    .limit(limit + 1);
  const lines = rows.slice(0, limit).map((r) => ({ ...r, at: r.at.toISOString() }));
  return { lines, after: lines.at(-1)?.id ?? after, more: rows.length > limit };
}
