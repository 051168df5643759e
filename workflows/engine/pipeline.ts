import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { ArtifactRef, PipelineWorkflowInput, PlanStep, RunProgress, RunStatus, StepProgress, StepResult } from '../core/plan';
import type { BookkeepingActivities, StepActivities } from './activities';

// The interpreter: knows plans, readiness, retries and cancellation — no ML, no SQL.

export type { PipelineWorkflowInput };

export const progressQuery = defineQuery<RunProgress>('progress');

const bookkeeping = proxyActivities<BookkeepingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 20, initialInterval: '1 second', maximumInterval: '10 seconds' },
});

function stepActivity(step: PlanStep, queues: PipelineWorkflowInput['taskQueues']) {
  const acts = proxyActivities<StepActivities>({
    taskQueue: step.queue === 'fit' ? queues.fit : queues.default,
    startToCloseTimeout: `${step.timeoutSeconds} seconds`,
    heartbeatTimeout: `${step.heartbeatSeconds} seconds`,
    retry: {
      maximumAttempts: step.retry.maximumAttempts,
      initialInterval: `${step.retry.initialIntervalSeconds} seconds`,
      backoffCoefficient: 2,
      nonRetryableErrorTypes: ['StepInputError'],
    },
  });
  return acts[step.type]!;
}

function errorMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure || e instanceof Error) return e.message;
  return String(e);
}

export async function pipelineWorkflow(input: PipelineWorkflowInput): Promise<RunProgress> {
  const { plan, runId } = input;
  const parallelism = input.parallelism ?? 4;
  const steps = new Map<string, StepProgress>(
    plan.steps.map((s) => [s.id, { nodeId: s.id, type: s.type, status: 'pending', attempts: 0 }]),
  );
  const produced = new Map<string, Record<string, ArtifactRef>>();
  let status: RunStatus = 'running';
  setHandler(progressQuery, () => ({ status, steps: [...steps.values()] }));

  await bookkeeping.recordRunStatus({ runId, status: 'running' });

  const running = new Map<string, Promise<void>>();
  const pending = new Set(plan.steps.map((s) => s.id));
  let failedByError = false;

  const launch = (step: PlanStep, inputs: Record<string, ArtifactRef>) => {
    const progress = steps.get(step.id)!;
    progress.status = 'running';
    const work = (async () => {
      try {
        const result: StepResult = await stepActivity(step, input.taskQueues)({
          runId,
          pipeline: input.pipeline,
          nodeId: step.id,
          type: step.type,
          params: step.params,
          inputs,
          expectedOutputs: step.outputSchemas,
        });
        progress.status = result.outcome;
        progress.summary = result.summary;
        if (result.message) progress.error = result.message;
        produced.set(step.id, result.outputs);
      } catch (err) {
        if (isCancellation(err)) throw err;
        failedByError = true;
        progress.status = 'failed';
        progress.error = errorMessage(err);
        produced.set(step.id, {});
        await bookkeeping.recordStepOutcome({ runId, nodeId: step.id, status: 'failed', error: progress.error });
      } finally {
        running.delete(step.id);
      }
    })();
    running.set(step.id, work);
  };

  try {
    while (pending.size > 0 || running.size > 0) {
      for (const step of plan.steps) {
        if (!pending.has(step.id)) continue;
        if (step.dependsOn.some((d) => pending.has(d) || running.has(d))) continue;
        // Every upstream step is done: connected inputs must all have been produced, else skip.
        const inputs: Record<string, ArtifactRef> = {};
        const missing: string[] = [];
        for (const [portName, ref] of Object.entries(step.inputs)) {
          const out = produced.get(ref.node)?.[ref.port];
          if (out) inputs[portName] = out;
          else missing.push(`${ref.node}.${ref.port}`);
        }
        if (missing.length > 0) {
          pending.delete(step.id);
          const progress = steps.get(step.id)!;
          progress.status = 'skipped';
          progress.error = `Skipped: no ${missing.join(', ')} (an upstream step failed or a gate blocked it)`;
          produced.set(step.id, {});
          await bookkeeping.recordStepOutcome({ runId, nodeId: step.id, status: 'skipped', error: progress.error });
          continue;
        }
        if (running.size >= parallelism) break;
        pending.delete(step.id);
        launch(step, inputs);
      }
      if (running.size > 0) await Promise.race(running.values());
    }
    status = failedByError ? 'failed' : 'succeeded';
  } catch (err) {
    if (!isCancellation(err)) throw err;
    status = 'cancelled';
    for (const s of steps.values()) if (s.status === 'pending' || s.status === 'running') s.status = 'skipped';
  }
  await CancellationScope.nonCancellable(() =>
    bookkeeping.recordRunStatus({
      runId,
      status,
      error: status === 'failed' ? 'One or more steps failed' : undefined,
      skipUnfinished: status === 'cancelled',
    }),
  );
  return { status, steps: [...steps.values()] };
}
