import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import { fitActivityIdOf } from '../core/plan';
import type {
  ArtifactRef,
  FitOutcome,
  FitRequest,
  PipelineWorkflowInput,
  PlanStep,
  RunProgress,
  RunStatus,
  StepInput,
  StepProgress,
  StepResult,
} from '../core/plan';
import type { BookkeepingActivities, FitActivities, StepActivities } from './activities';
import { approvalDesk } from './approval';
import { fromCache } from './step-cache';

// The interpreter: knows plans, readiness, retries and cancellation — no ML, no SQL.

export type { PipelineWorkflowInput };
export { approvalUpdate, type ApprovalRequest } from './approval';

export const progressQuery = defineQuery<RunProgress>('progress');

const bookkeeping = proxyActivities<BookkeepingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 20, initialInterval: '1 second', maximumInterval: '10 seconds' },
});

function retryOf(step: PlanStep) {
  return {
    maximumAttempts: step.retry.maximumAttempts,
    initialInterval: `${step.retry.initialIntervalSeconds} seconds`,
    backoffCoefficient: 2,
    nonRetryableErrorTypes: ['StepInputError'],
  };
}

function stepActivity(step: PlanStep, taskQueue: string) {
  const acts = proxyActivities<StepActivities>({
    taskQueue,
    startToCloseTimeout: `${step.timeoutSeconds} seconds`,
    heartbeatTimeout: `${step.heartbeatSeconds} seconds`,
    retry: retryOf(step),
    // A cancelled run ends once its running steps have stopped, so none of them writes after the run
    // shows "cancelled". Runs started before this resolved cancellation at once.
    ...(patched('wait-for-step-cancel') ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } : {}),
  });
  return acts[step.type]!;
}

/** The Python fit worker's activity (workflows/ml/worker.py), on the fit queue. */
interface PythonFitActivities {
  fitModel(request: FitRequest): Promise<FitOutcome>;
}

/**
 * A train step (queue 'fit') runs in three activities: prepareFit (Node: status, validation, the fit
 * spec), fitModel (the Python fit worker on the fit queue, with the step's timeout, heartbeat and
 * retries), then the step's own Node activity with the fit's outcome (model artifact, registry,
 * lineage, status). Fitting stays in one warm Python process; everything that touches Postgres stays
 * in Node. The two Node halves are short, so they run as local activities in this worker, inside the
 * workflow tasks that schedule and follow the fit: no extra round trip through the server for either.
 * Runs started before this existed ran the whole step as one Node activity on the fit queue; `patched`
 * keeps their histories replaying.
 */
async function runFitStep(step: PlanStep, input: StepInput, queues: PipelineWorkflowInput['taskQueues']): Promise<StepResult> {
  const local = { startToCloseTimeout: '5 minutes', retry: retryOf(step) };
  const { prepareFit } = proxyLocalActivities<FitActivities>(local);
  const { fitModel } = proxyActivities<PythonFitActivities>({
    taskQueue: queues.fit,
    startToCloseTimeout: `${step.timeoutSeconds} seconds`,
    heartbeatTimeout: `${step.heartbeatSeconds} seconds`,
    retry: retryOf(step),
    // A cancelled run ends once its fit has stopped (or its worker is known dead), not before.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    // Named after the step, so the run page can show a fit still waiting for a fitter (server/services/fit-queue.ts).
    ...(patched('fit-activity-id') ? { activityId: fitActivityIdOf(step.id) } : {}),
  });
  const request = await prepareFit(input);
  const fitted = await fitModel(request);
  return proxyLocalActivities<StepActivities>(local)[step.type]!({ ...input, fitted });
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
  const approvals = approvalDesk(runId, plan.steps);

  await bookkeeping.recordRunStatus({ runId, status: 'running' });

  const running = new Map<string, Promise<void>>();
  const pending = new Set(plan.steps.map((s) => s.id));
  let failedByError = false;

  const launch = (step: PlanStep, inputs: Record<string, ArtifactRef>) => {
    const progress = steps.get(step.id)!;
    progress.status = 'running';
    const work = (async () => {
      try {
        const stepInput: StepInput = {
          runId,
          pipeline: input.pipeline,
          nodeId: step.id,
          type: step.type,
          params: step.params,
          inputs,
          expectedOutputs: step.outputSchemas,
          ...(step.cache ? { cache: true as const } : {}),
        };
        const cached = await fromCache(step, input, stepInput);
        const result: StepResult =
          cached ??
          (step.approval
            ? await stepActivity(step, input.taskQueues.default)({ ...stepInput, approval: await approvals.decide(step) })
            : step.queue === 'fit' && patched('fit-in-python-worker')
              ? await runFitStep(step, stepInput, input.taskQueues)
              : await stepActivity(step, step.queue === 'fit' ? input.taskQueues.fit : input.taskQueues.default)(stepInput));
        if (cached) progress.cachedFrom = cached.cachedFrom;
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
        // Fix and resume: a step that succeeded in the earlier run with the same inputs is not run again
        // (its row was written when the run was created).
        const reused = input.reuse?.[step.id];
        if (reused) {
          pending.delete(step.id);
          Object.assign(steps.get(step.id)!, { status: 'succeeded', summary: reused.summary, cachedFrom: reused.runId });
          produced.set(step.id, reused.outputs);
          continue;
        }
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
    for (const s of steps.values()) {
      if (s.status === 'running') s.status = 'cancelled';
      else if (s.status === 'pending') s.status = 'skipped';
    }
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
