import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { pipelines, pipelineVersions, runs, runSteps } from '../../db/schema';
import { PIPELINE_NAME } from '../../workflows/core/document';
import { notFound } from '../infra/errors';
import { currentWorkspaceId } from '../infra/workspace';

// Drift scores over time: the verdicts every successful Data drift step of a pipeline recorded (its report's
// artifact metadata), oldest first, for a chart across runs.

export const driftHistoryQuery = z.strictObject({
  pipeline: z.string().regex(PIPELINE_NAME, 'pipeline: not a pipeline name'),
  /** One drift step of the pipeline; default every one. */
  node: z.string().min(1).max(64).optional(),
  /** The newest this many reports. */
  limit: z.coerce.number().int('limit: a whole number').min(1, 'limit: at least 1').max(500, 'limit: at most 500').default(100),
});
export type DriftHistoryQuery = z.input<typeof driftHistoryQuery>;

const featureVerdict = z.object({ column: z.string(), method: z.string(), score: z.number().nullable(), threshold: z.number(), drifted: z.boolean() });
const reportMeta = z.object({
  datasetDrift: z.boolean(),
  driftShare: z.number(),
  driftedFeatures: z.number(),
  features: z.array(featureVerdict),
  prediction: z.object({ column: z.string(), method: z.string(), score: z.number().nullable(), drifted: z.boolean() }).optional(),
});

export const driftHistoryResponse = z.object({
  pipeline: z.string(),
  reports: z.array(
    reportMeta.extend({
      runId: z.string(),
      nodeId: z.string(),
      version: z.number().int(),
      at: z.string().describe('When the run was created (ISO 8601)'),
    }),
  ),
});
export type DriftHistory = z.infer<typeof driftHistoryResponse>;

export async function driftHistory(raw: DriftHistoryQuery): Promise<DriftHistory> {
  const q = driftHistoryQuery.parse(raw);
  const workspaceId = currentWorkspaceId();
  const db = getDb();
  const [pipeline] = await db
    .select({ id: pipelines.id })
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.name, q.pipeline)));
  if (!pipeline) throw notFound(`Pipeline "${q.pipeline}"`);
  const rows = await db
    .select({ runId: runs.id, createdAt: runs.createdAt, version: pipelineVersions.version, nodeId: runSteps.nodeId, outputs: runSteps.outputs })
    .from(runSteps)
    .innerJoin(runs, eq(runs.id, runSteps.runId))
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .where(
      and(
        eq(pipelineVersions.pipelineId, pipeline.id),
        eq(runSteps.type, 'monitor.drift'),
        eq(runSteps.status, 'succeeded'),
        q.node ? eq(runSteps.nodeId, q.node) : undefined,
      ),
    )
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(q.limit);
  const reports: DriftHistory['reports'] = [];
  for (const r of rows.reverse()) {
    const meta = reportMeta.safeParse((r.outputs as { report?: { meta?: unknown } } | null)?.report?.meta);
    // A report written by other code than today's is left out rather than drawn wrong.
    if (!meta.success) continue;
    reports.push({ ...meta.data, runId: r.runId, nodeId: r.nodeId, version: r.version, at: r.createdAt.toISOString() });
  }
  return { pipeline: q.pipeline, reports };
}
