import { getDb } from '../../db/client';
import { runs, runSteps } from '../../db/schema';
import type { Catalog, CompileError } from '../../workflows/core/compiler';
import type { PipelineWorkflowInput, Plan, ReusedStep } from '../../workflows/core/plan';
import { recordReusedSteps } from './run-reuse';
import { ServiceError } from './errors';
import { compileForServer, getPipelineVersionRow } from './pipeline-store';
import { taskQueues, temporalClient } from './temporal';
import { defaultWorkspaceId } from './workspace';
import { eq } from 'drizzle-orm';

// Starting a run, whoever asks: a person (UI, REST, CLI) through the web side, or a schedule or trigger
// through the worker's activities. One place records the run and starts its workflow.

export const workflowIdOf = (runId: string) => `run-${runId}`;

export interface CreateRunOptions {
  /** The pipeline version to run (newest by default). */
  version?: number;
  /** What started it: 'manual', 'api', 'schedule', … */
  trigger?: string;
  /** Run every step, even where an identical earlier success could be reused. */
  ignoreCache?: boolean;
  /** The run this one fixes and resumes (runs.rerun_of), and which of the plan's steps take that run's outputs. */
  resume?: { runId: string; reuse(plan: Plan): Promise<Record<string, ReusedStep>> };
}

export type CreateRunResult = { ok: true; runId: string; version: number } | { ok: false; version: number; errors: CompileError[] };

/**
 * Records a run of the pipeline's version (newest by default) and starts its workflow. A version that
 * no longer compiles against today's datasets is not started: its errors come back as values. The
 * step catalog comes from the caller.
 */
export async function createRun(catalog: Catalog, pipelineName: string, opts: CreateRunOptions = {}): Promise<CreateRunResult> {
  const pv = await getPipelineVersionRow(pipelineName, opts.version);
  // Compiled again against today's datasets: a missing dataset or a column that moved stops the run here,
  // and the plan carries the schemas each step's output must have.
  const compiled = await compileForServer(catalog, pv.document, 'run');
  if (!compiled.ok) return { ok: false, version: pv.version, errors: compiled.errors };
  const plan = compiled.plan;
  const reuse = opts.resume ? await opts.resume.reuse(plan) : {};
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
      rerunOf: opts.resume?.runId ?? null,
    });
    await tx
      .insert(runSteps)
      .values(plan.steps.map((s) => ({ runId, nodeId: s.id, type: s.type, status: 'pending' as const })));
    await recordReusedSteps(tx, runId, reuse);
  });
  const input: PipelineWorkflowInput = {
    runId,
    pipeline: pipelineName,
    plan,
    taskQueues: taskQueues(),
    ...(opts.ignoreCache ? { ignoreCache: true } : {}),
    ...(Object.keys(reuse).length > 0 ? { reuse } : {}),
  };
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
