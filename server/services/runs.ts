import { and, asc, desc, eq } from 'drizzle-orm';
import { WorkflowNotFoundError } from '@temporalio/client';
import { getDb } from '../../db/client';
import { pipelines, pipelineVersions, runs, runSteps } from '../../db/schema';
import type { CompileError } from '../../workflows/core/compiler';
import type { PipelineWorkflowInput, Plan, RunStatus, StepStatus } from '../../workflows/core/plan';
import { taskQueues, temporalClient } from '../temporal';
import { ServiceError, notFound } from '../infra/errors';
import { compileForServer, getPipelineVersionRow } from './pipelines';
import { defaultWorkspaceId } from '../infra/workspace';

export const workflowIdOf = (runId: string) => `run-${runId}`;

export interface RunView {
  runId: string;
  pipeline: string;
  version: number;
  status: RunStatus;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  error?: string;
  steps: {
    nodeId: string;
    type: string;
    status: StepStatus;
    attempts: number;
    startedAt?: Date;
    finishedAt?: Date;
    error?: string;
    summary?: Record<string, unknown>;
  }[];
}

export type StartRunResult = { ok: true; runId: string; version: number } | { ok: false; version: number; errors: CompileError[] };

/**
 * Records a run of the pipeline's version (newest by default) and starts its workflow. A version that
 * no longer compiles against today's datasets is not started: its errors come back as values.
 */
export async function startRun(pipelineName: string, opts: { version?: number; trigger?: string } = {}): Promise<StartRunResult> {
  const pv = await getPipelineVersionRow(pipelineName, opts.version);
  // Compiled again against today's datasets: a missing dataset or a column that moved stops the run here,
  // and the plan carries the schemas each step's output must have.
  const compiled = await compileForServer(pv.document, 'run');
  if (!compiled.ok) return { ok: false, version: pv.version, errors: compiled.errors };
  const plan = compiled.plan;
  const workspaceId = await defaultWorkspaceId();
  const db = getDb();
  const client = await temporalClient().catch((err: Error) => {
    throw new ServiceError('unavailable', `Temporal is not reachable: ${err.message}`);
  });
  const runId = crypto.randomUUID();
  const workflowId = workflowIdOf(runId);
  await db.transaction(async (tx) => {
    await tx.insert(runs).values({
      id: runId,
      workspaceId,
      pipelineVersionId: pv.id,
      status: 'queued',
      workflowId,
      trigger: opts.trigger ?? 'manual',
    });
    await tx
      .insert(runSteps)
      .values(plan.steps.map((s) => ({ runId, nodeId: s.id, type: s.type, status: 'pending' as const })));
  });
  const input: PipelineWorkflowInput = { runId, pipeline: pipelineName, plan, taskQueues: taskQueues() };
  try {
    await client.workflow.start('pipelineWorkflow', {
      workflowId,
      taskQueue: taskQueues().default,
      args: [input],
      memo: { pipeline: pipelineName, version: pv.version },
    });
  } catch (err) {
    const message = `Could not start the run's workflow: ${(err as Error).message}`;
    await db.update(runs).set({ status: 'failed', error: message, finishedAt: new Date() }).where(eq(runs.id, runId));
    throw new ServiceError('unavailable', message);
  }
  return { ok: true, runId, version: pv.version };
}

export async function getRun(runId: string): Promise<RunView> {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) throw notFound(`Run "${runId}"`);
  const db = getDb();
  const [row] = await db
    .select({ r: runs, pipeline: pipelines.name, version: pipelineVersions.version, plan: pipelineVersions.plan })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(eq(runs.id, runId));
  if (!row) throw notFound(`Run "${runId}"`);
  const steps = await db.select().from(runSteps).where(eq(runSteps.runId, runId));
  // Report steps in plan order.
  const order = new Map((row.plan as Plan).steps.map((s, i) => [s.id, i]));
  steps.sort((a, b) => (order.get(a.nodeId) ?? 0) - (order.get(b.nodeId) ?? 0));
  return {
    runId,
    pipeline: row.pipeline,
    version: row.version,
    status: row.r.status,
    createdAt: row.r.createdAt,
    startedAt: row.r.startedAt ?? undefined,
    finishedAt: row.r.finishedAt ?? undefined,
    error: row.r.error ?? undefined,
    steps: steps.map((s) => ({
      nodeId: s.nodeId,
      type: s.type,
      status: s.status,
      attempts: s.attempts,
      startedAt: s.startedAt ?? undefined,
      finishedAt: s.finishedAt ?? undefined,
      error: s.error ?? undefined,
      summary: (s.summary as Record<string, unknown> | null) ?? undefined,
    })),
  };
}

export async function listRuns(opts: { pipeline?: string; limit?: number } = {}) {
  const workspaceId = await defaultWorkspaceId();
  const rows = await getDb()
    .select({ runId: runs.id, pipeline: pipelines.name, version: pipelineVersions.version, status: runs.status, createdAt: runs.createdAt, finishedAt: runs.finishedAt })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(and(eq(runs.workspaceId, workspaceId), opts.pipeline ? eq(pipelines.name, opts.pipeline) : undefined))
    .orderBy(desc(runs.createdAt), asc(runs.id))
    .limit(Math.min(opts.limit ?? 50, 500));
  return rows;
}

export async function cancelRun(runId: string) {
  const run = await getRun(runId);
  if (run.status !== 'queued' && run.status !== 'running') {
    throw new ServiceError('conflict', `Run ${runId} is already ${run.status}`);
  }
  const client = await temporalClient();
  try {
    await client.workflow.getHandle(workflowIdOf(runId)).cancel();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
