import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { pipelines, pipelineVersions, runs, runSteps } from '../../db/schema';
import { NODE_ID, PIPELINE_NAME, type PipelineDocument } from '../../workflows/core/document';
import type { ArtifactRef, RunStatus } from '../../workflows/core/plan';
import { artifactStore } from '../infra/artifact-store';
import { describeParquet, type ColumnInfo } from '../infra/duckdb';
import { ServiceError, notFound } from '../infra/errors';
import { parquetStats, previewParquet, PREVIEW_MAX_LIMIT, type ColumnStats } from '../infra/table-preview';
import { currentWorkspaceId } from '../infra/workspace';
import { catalog } from '../../workflows/steps/catalog';
import { requireRunOfThisWorkspace } from './run-scope';

// The tables a run's steps produced (run_steps.outputs), a page of their rows and their column statistics,
// for the editor's Data view and the run page.

const RUN_ID = /^[0-9a-f-]{36}$/i;
export const runOutputRef = z.object({
  runId: z.string().regex(RUN_ID, 'A run id is a UUID'),
  nodeId: z.string().regex(NODE_ID, 'Not a step id'),
  port: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'Not a port name'),
});
export const runOutputPreviewQuery = runOutputRef.extend({
  offset: z.number().int().min(0, 'offset is 0 or more').default(0),
  limit: z.number().int().min(1, 'limit is 1 or more').max(PREVIEW_MAX_LIMIT, `At most ${PREVIEW_MAX_LIMIT} rows per page`).default(100),
});
export const stepOutputsQuery = z.object({ pipeline: z.string().regex(PIPELINE_NAME, 'Not a pipeline name'), nodeId: z.string().regex(NODE_ID, 'Not a step id') });

export interface TableOutput {
  port: string;
  rows: number;
  columns: ColumnInfo[];
}

/**
 * The table outputs recorded for a step (any other kind of output is not previewed), in the order its
 * definition lists them (jsonb keeps its own key order).
 */
function tableOutputsOf(outputs: unknown, type: string): { port: string; ref: ArtifactRef & { hash: string } }[] {
  if (!outputs || typeof outputs !== 'object') return [];
  const order = Object.keys(catalog[type]?.outputs ?? {});
  const rank = (port: string) => (order.includes(port) ? order.indexOf(port) : order.length);
  return Object.entries(outputs as Record<string, ArtifactRef>)
    .filter((e): e is [string, ArtifactRef & { hash: string }] => e[1]?.kind === 'table' && typeof e[1].hash === 'string')
    .map(([port, ref]) => ({ port, ref }))
    .sort((a, b) => rank(a.port) - rank(b.port));
}

/** Rows and columns as the step recorded them; older records without them are read from the file's footer. */
async function describeOutput(port: string, ref: ArtifactRef & { hash: string }): Promise<TableOutput> {
  const rows = ref.meta?.rows;
  const columns = ref.meta?.columns;
  if (typeof rows === 'number' && Array.isArray(columns)) {
    return { port, rows, columns: (columns as ColumnInfo[]).map((c) => ({ name: c.name, type: c.type })) };
  }
  return { port, ...(await describeParquet(await artifactStore().localPath(ref.hash))) };
}

async function outputFile(runId: string, nodeId: string, port: string) {
  await requireRunOfThisWorkspace(runId);
  const [step] = await getDb()
    .select({ outputs: runSteps.outputs, status: runSteps.status, type: runSteps.type })
    .from(runSteps)
    .where(and(eq(runSteps.runId, runId), eq(runSteps.nodeId, nodeId)));
  if (!step) throw notFound(`Step "${nodeId}" of run ${runId}`);
  const tables = tableOutputsOf(step.outputs, step.type);
  const found = tables.find((t) => t.port === port);
  if (!found) {
    throw new ServiceError(
      'not_found',
      tables.length > 0
        ? `Step "${nodeId}" of run ${runId} has no table output "${port}"; its table outputs: ${tables.map((t) => t.port).join(', ')}`
        : `Step "${nodeId}" of run ${runId} has no table outputs (its status: ${step.status})`,
    );
  }
  const described = await describeOutput(port, found.ref);
  return { file: await artifactStore().localPath(found.ref.hash), ...described };
}

/** A page of a step's table output, in file order. */
export async function previewRunOutput(q: z.input<typeof runOutputPreviewQuery>) {
  const { runId, nodeId, port, offset, limit } = runOutputPreviewQuery.parse(q);
  const out = await outputFile(runId, nodeId, port);
  const rows = await previewParquet(out.file, out.columns, offset, limit);
  return { runId, nodeId, port, totalRows: out.rows, offset, limit, columns: out.columns, rows };
}

/** Per-column statistics of a step's table output. */
export async function runOutputStats(q: z.input<typeof runOutputRef>): Promise<{ runId: string; nodeId: string; port: string; rows: number; columns: ColumnStats[] }> {
  const { runId, nodeId, port } = runOutputRef.parse(q);
  const out = await outputFile(runId, nodeId, port);
  return { runId, nodeId, port, rows: out.rows, columns: await parquetStats(out.file, out.columns) };
}

/** Every step's table outputs in a run, for the run page. */
export async function runTableOutputs(runId: string): Promise<{ nodeId: string; outputs: TableOutput[] }[]> {
  if (!RUN_ID.test(runId)) throw notFound(`Run "${runId}"`);
  await requireRunOfThisWorkspace(runId);
  const steps = await getDb().select({ nodeId: runSteps.nodeId, type: runSteps.type, outputs: runSteps.outputs }).from(runSteps).where(eq(runSteps.runId, runId));
  return Promise.all(
    steps
      .map((s) => ({ nodeId: s.nodeId, tables: tableOutputsOf(s.outputs, s.type) }))
      .filter((s) => s.tables.length > 0)
      .map(async (s) => ({ nodeId: s.nodeId, outputs: await Promise.all(s.tables.map((t) => describeOutput(t.port, t.ref))) })),
  );
}

export interface StepOutputsFromRun {
  runId: string;
  version: number;
  status: RunStatus;
  createdAt: Date;
  finishedAt?: Date;
  /** The step this run was a preview up to, if it was one. */
  previewUpTo?: string;
  /** The step's parameters in the version the run ran, as the document held them (to tell "changed since"). */
  params: Record<string, unknown>;
  outputs: TableOutput[];
}

/** The newest run of the pipeline in which the step produced table outputs (a preview run counts). */
export async function stepOutputsFromLastRun(q: z.input<typeof stepOutputsQuery>): Promise<StepOutputsFromRun | null> {
  const { pipeline, nodeId } = stepOutputsQuery.parse(q);
  const workspaceId = currentWorkspaceId();
  const [row] = await getDb()
    .select({
      runId: runs.id,
      version: pipelineVersions.version,
      status: runs.status,
      createdAt: runs.createdAt,
      finishedAt: runs.finishedAt,
      previewUpTo: runs.previewUpTo,
      document: pipelineVersions.document,
      outputs: runSteps.outputs,
      type: runSteps.type,
    })
    .from(runSteps)
    .innerJoin(runs, eq(runs.id, runSteps.runId))
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.name, pipeline), eq(runSteps.nodeId, nodeId), eq(runSteps.status, 'succeeded'), isNotNull(runSteps.outputs)))
    .orderBy(desc(runs.createdAt))
    .limit(1);
  if (!row) return null;
  const tables = tableOutputsOf(row.outputs, row.type);
  const node = (row.document as PipelineDocument).nodes.find((n) => n.id === nodeId);
  return {
    runId: row.runId,
    version: row.version,
    status: row.status,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt ?? undefined,
    previewUpTo: row.previewUpTo ?? undefined,
    params: (node?.params as Record<string, unknown> | undefined) ?? {},
    outputs: await Promise.all(tables.map((t) => describeOutput(t.port, t.ref))),
  };
}

export const previewUpToInput = z.object({
  pipeline: z.string().regex(PIPELINE_NAME, 'Not a pipeline name'),
  version: z.number().int().min(1).optional(),
  nodeId: z.string().regex(NODE_ID, 'Not a step id'),
});
