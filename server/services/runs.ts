import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { WorkflowNotFoundError } from '@temporalio/client';
import { getDb } from '../../db/client';
import { pipelines, pipelineVersions, runs, runSteps } from '../../db/schema';
import { notDeployedOf, type NotDeployed } from '../../workflows/core/deployment';
import type { Plan, RunStatus, StepStatus } from '../../workflows/core/plan';
import { within } from '../infra/dependencies';
import { ServiceError, notFound } from '../infra/errors';
import { cancelUndispatched, finishRun } from '../infra/run-dispatch';
import { withTemporal } from '../infra/temporal';
import { createRun, workflowIdOf, type CreateRunOptions, type CreateRunResult } from '../infra/run-start';
import { currentWorkspaceId } from '../infra/workspace';
import { catalog } from '../../workflows/steps/catalog';
import { runOriginOf } from './triggers';
import { runOperations } from './run-ops';
import { gateBlockedSql } from './run-outcome';
import { fitsInFitWorker, stepsWaitingForFitter } from './fit-queue';
import { runOfThisWorkspace } from './run-scope';

export { workflowIdOf };

export interface RunView {
  runId: string;
  pipeline: string;
  version: number;
  status: RunStatus;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  error?: string;
  /** The pipeline parameters' values the run got. */
  params: Record<string, unknown>;
  /** The schedule or trigger that started the run (its scheduled time, parameters, chain), if one did. */
  origin?: Awaited<ReturnType<typeof runOriginOf>>;
  /** The failed run this one resumes. */
  rerunOf?: string;
  trigger: string;
  /** A preview run: the step it ran up to (only that step and its ancestors ran). */
  previewUpTo?: string;
  /** Runs that resumed this one. */
  resumedBy: { runId: string; status: RunStatus; createdAt: Date }[];
  approvals: { nodeId: string; decision: 'approve' | 'reject'; comment?: string; by: string; at: Date }[];
  /** Deploy steps that did not promote, and why (a failed gate, the step's own choice). */
  notDeployed: NotDeployed[];
  steps: {
    nodeId: string;
    type: string;
    status: StepStatus;
    attempts: number;
    startedAt?: Date;
    finishedAt?: Date;
    error?: string;
    summary?: Record<string, unknown>;
    /** The run whose outputs it reused (step cache or resume) instead of running. */
    cachedFrom?: string;
    /** A train step whose fit waits for a free fitter (all of them busy). */
    waitingForFitter?: boolean;
    /** The step's parameters from the version's plan (defaults filled in); the run's parameter values are `params` above. */
    params?: Record<string, unknown>;
  }[];
}

export type StartRunResult = CreateRunResult;

/**
 * Records a run of the pipeline's version (newest by default) and starts its workflow. A version that
 * no longer compiles against today's datasets is not started: its errors come back as values.
 */
export function startRun(pipelineName: string, opts: CreateRunOptions = {}): Promise<StartRunResult> {
  return createRun(catalog, pipelineName, opts);
}

export async function getRun(runId: string): Promise<RunView> {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) throw notFound(`Run "${runId}"`);
  const db = getDb();
  const [row] = await db
    .select({ r: runs, pipeline: pipelines.name, version: pipelineVersions.version, plan: pipelineVersions.plan })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(runOfThisWorkspace(runId));
  if (!row) throw notFound(`Run "${runId}"`);
  const [steps, ops] = await Promise.all([db.select().from(runSteps).where(eq(runSteps.runId, runId)), runOperations(runId)]);
  // Report steps in plan order.
  const order = new Map((row.plan as Plan).steps.map((s, i) => [s.id, i]));
  const planned = new Map((row.plan as Plan).steps.map((s) => [s.id, s.params]));
  steps.sort((a, b) => (order.get(a.nodeId) ?? 0) - (order.get(b.nodeId) ?? 0));
  const fitting = row.r.status === 'running' ? steps.filter((s) => s.status === 'running' && fitsInFitWorker(s.type)).map((s) => s.nodeId) : [];
  const waiting = await stepsWaitingForFitter(runId, fitting);
  return {
    runId,
    pipeline: row.pipeline,
    version: row.version,
    status: row.r.status,
    createdAt: row.r.createdAt,
    startedAt: row.r.startedAt ?? undefined,
    finishedAt: row.r.finishedAt ?? undefined,
    error: row.r.error ?? undefined,
    params: (row.r.params as Record<string, unknown> | null) ?? {},
    origin: await runOriginOf(runId),
    rerunOf: row.r.rerunOf ?? undefined,
    trigger: row.r.trigger,
    ...(row.r.previewUpTo ? { previewUpTo: row.r.previewUpTo } : {}),
    ...ops,
    notDeployed: row.r.status === 'succeeded' ? notDeployedOf(steps.map((s) => ({ ...s, summary: s.summary as Record<string, unknown> | null }))) : [],
    steps: steps.map((s) => ({
      nodeId: s.nodeId,
      type: s.type,
      status: s.status,
      attempts: s.attempts,
      startedAt: s.startedAt ?? undefined,
      finishedAt: s.finishedAt ?? undefined,
      error: s.error ?? undefined,
      summary: (s.summary as Record<string, unknown> | null) ?? undefined,
      cachedFrom: s.cachedFrom ?? undefined,
      ...(waiting.has(s.nodeId) ? { waitingForFitter: true } : {}),
      params: planned.get(s.nodeId),
    })),
  };
}

export async function listRuns(opts: { pipeline?: string; limit?: number } = {}) {
  const workspaceId = currentWorkspaceId();
  const rows = await getDb()
    .select({
      runId: runs.id,
      pipeline: pipelines.name,
      version: pipelineVersions.version,
      status: runs.status,
      createdAt: runs.createdAt,
      finishedAt: runs.finishedAt,
      gateBlocked: gateBlockedSql(runs.id),
    })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(and(eq(runs.workspaceId, workspaceId), opts.pipeline ? eq(pipelines.name, opts.pipeline) : undefined))
    .orderBy(desc(runs.createdAt), asc(runs.id))
    .limit(Math.min(opts.limit ?? 50, 500));
  return rows;
}

/**
 * Cancels a queued or running run. One whose workflow was never started is cancelled in Postgres at
 * once; otherwise its workflow is asked to cancel (and one Temporal no longer has is marked cancelled).
 */
export async function cancelRun(runId: string) {
  const run = await getRun(runId);
  if (run.status !== 'queued' && run.status !== 'running') {
    throw new ServiceError('conflict', `Run ${runId} is already ${run.status}`);
  }
  // First in Postgres: from now on the run's steps register and promote nothing (server/infra/model-registry.ts).
  await within(
    'postgres',
    5000,
    getDb()
      .update(runs)
      .set({ cancelRequestedAt: sql`coalesce(${runs.cancelRequestedAt}, now())` })
      .where(eq(runs.id, runId)),
  );
  // Waits for a start in progress to finish (the dispatcher holds the start request's lock for at most ~10 s).
  if (await within('postgres', 12_000, cancelUndispatched(runId))) return;
  try {
    await withTemporal(5000, (client) => client.workflow.getHandle(workflowIdOf(runId)).cancel());
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    await finishRun(runId, { status: 'cancelled', error: 'Cancelled; its workflow no longer exists in Temporal' });
  }
}
