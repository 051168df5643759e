import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { pipelines, pipelineVersions, runs, runSteps } from '../../db/schema';
import type { Plan } from '../../workflows/core/plan';
import { PIPELINE_NAME } from '../../workflows/core/document';
import { ServiceError, notFound } from '../infra/errors';
import { currentWorkspaceId } from '../infra/workspace';
import { gateBlockedSql } from './run-outcome';
import {
  compareDurations,
  compareMetrics,
  compareParams,
  decodeRunCursor,
  encodeRunCursor,
  type ComparedStep,
} from './run-comparison';

// The runs list (filters, keyset paging newest first) and the comparison of several runs of a pipeline.

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

const isoTime = z.iso.datetime({ offset: true, local: false }).or(z.iso.date());

export const runListQuery = z.strictObject({
  pipeline: z.string().regex(PIPELINE_NAME, 'Not a pipeline name').optional(),
  status: z.array(z.enum(RUN_STATUSES)).max(RUN_STATUSES.length).optional(),
  trigger: z.string().min(1).max(64).optional(),
  /** Runs created at or after this time (ISO 8601). */
  from: isoTime.optional(),
  /** Runs created before this time (ISO 8601); a bare date means the end of that day. */
  to: isoTime.optional(),
  limit: z.number().int().min(1).max(200).default(50),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});
export type RunListQuery = z.input<typeof runListQuery>;

export interface RunListItem {
  runId: string;
  pipeline: string;
  version: number;
  status: (typeof RUN_STATUSES)[number];
  trigger: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Finished runs: finish minus start; running ones: so far; never started: null. */
  durationMs: number | null;
  error: string | null;
  /** A succeeded run whose failed gate kept its deploy steps from promoting. */
  gateBlocked: boolean;
  /** A preview run: the step it ran up to. */
  previewUpTo: string | null;
}

function timeBound(value: string, end: boolean): Date {
  // A bare date as `to` includes that whole day.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(Date.parse(`${value}T00:00:00Z`) + (end ? 86_400_000 : 0));
  return new Date(value);
}

export async function listRunPage(raw: RunListQuery = {}): Promise<{ runs: RunListItem[]; nextCursor: string | null }> {
  const q = runListQuery.parse(raw);
  const cursor = q.cursor === undefined ? undefined : decodeRunCursor(q.cursor);
  if (q.cursor !== undefined && !cursor) throw new ServiceError('invalid', 'cursor: not a cursor this API gave out (pass nextCursor unchanged)');
  const from = q.from ? timeBound(q.from, false) : undefined;
  const to = q.to ? timeBound(q.to, true) : undefined;
  if (from && to && from >= to) throw new ServiceError('invalid', '`from` must be before `to`');
  const workspaceId = currentWorkspaceId();
  const rows = await getDb()
    .select({
      runId: runs.id,
      pipeline: pipelines.name,
      version: pipelineVersions.version,
      status: runs.status,
      trigger: runs.trigger,
      createdAt: runs.createdAt,
      createdAtText: sql<string>`${runs.createdAt}::text`,
      startedAt: runs.startedAt,
      finishedAt: runs.finishedAt,
      error: runs.error,
      gateBlocked: gateBlockedSql(runs.id),
      previewUpTo: runs.previewUpTo,
      durationMs: sql<number | null>`(extract(epoch from coalesce(${runs.finishedAt}, now()) - ${runs.startedAt}) * 1000)::float8`,
    })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(
      and(
        eq(runs.workspaceId, workspaceId),
        q.pipeline ? eq(pipelines.name, q.pipeline) : undefined,
        q.status?.length ? inArray(runs.status, q.status) : undefined,
        q.trigger ? eq(runs.trigger, q.trigger) : undefined,
        from ? gte(runs.createdAt, from) : undefined,
        to ? lt(runs.createdAt, to) : undefined,
        cursor ? sql`(${runs.createdAt}, ${runs.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    runs: page.map(({ createdAtText: _t, ...r }) => ({ ...r, durationMs: r.durationMs === null ? null : Math.round(Number(r.durationMs)) })),
    nextCursor: rows.length > q.limit && last ? encodeRunCursor(last.createdAtText, last.runId) : null,
  };
}

/** What the UI offers in the trigger filter: every trigger recorded so far. */
export async function listRunTriggers(): Promise<string[]> {
  const workspaceId = currentWorkspaceId();
  const rows = await getDb().selectDistinct({ trigger: runs.trigger }).from(runs).where(eq(runs.workspaceId, workspaceId));
  return rows.map((r) => r.trigger).sort();
}

export const compareQuery = z.strictObject({
  ids: z
    .array(z.uuid({ message: 'Not a run id' }))
    .min(2, 'Compare needs at least two runs')
    .max(10, 'Compare at most ten runs at once')
    .refine((ids) => new Set(ids).size === ids.length, 'A run is listed twice'),
});

export async function compareRuns(raw: { ids: string[] }) {
  const { ids } = compareQuery.parse(raw);
  const db = getDb();
  const workspaceId = currentWorkspaceId();
  const rows = await db
    .select({ r: runs, pipeline: pipelines.name, version: pipelineVersions.version, plan: pipelineVersions.plan })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(and(eq(runs.workspaceId, workspaceId), inArray(runs.id, ids)));
  const missing = ids.filter((id) => !rows.some((r) => r.r.id === id));
  if (missing.length) throw notFound(`Run${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`);
  const names = [...new Set(rows.map((r) => r.pipeline))];
  if (names.length > 1) {
    throw new ServiceError('invalid', `Only runs of one pipeline can be compared; these belong to ${names.map((n) => `"${n}"`).join(', ')}`);
  }
  const ordered = ids.map((id) => rows.find((r) => r.r.id === id)!);
  const stepRows = await db.select().from(runSteps).where(inArray(runSteps.runId, ids));
  const perRun: ComparedStep[][] = ordered.map((row) =>
    (row.plan as Plan).steps.map((p) => {
      const s = stepRows.find((x) => x.runId === row.r.id && x.nodeId === p.id);
      return {
        nodeId: p.id,
        type: p.type,
        params: p.params,
        status: s?.status,
        startedAt: s?.startedAt,
        finishedAt: s?.finishedAt,
        summary: (s?.summary as Record<string, unknown> | null) ?? null,
      };
    }),
  );
  return {
    pipeline: names[0]!,
    runs: ordered.map((row) => ({
      runId: row.r.id,
      version: row.version,
      status: row.r.status,
      trigger: row.r.trigger,
      createdAt: row.r.createdAt,
      startedAt: row.r.startedAt,
      finishedAt: row.r.finishedAt,
      durationMs: row.r.startedAt && row.r.finishedAt ? row.r.finishedAt.getTime() - row.r.startedAt.getTime() : null,
    })),
    params: compareParams(perRun),
    metrics: compareMetrics(perRun),
    durations: compareDurations(perRun),
  };
}
export type RunComparison = Awaited<ReturnType<typeof compareRuns>>;
