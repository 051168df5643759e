import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { workflowIdOf } from '../../../server/infra/run-start';
import { runStatusOf, startDatasetTriggerRun, startRunSuccessTriggers, startTriggeredRun, type TriggeredRunResult } from '../../../server/infra/triggered-run';
import { temporalClient } from '../../../server/infra/temporal';
import { scheduleOwner, triggerOwner, withWorkspace } from '../../../server/infra/workspace';
import { catalog } from '../catalog';

// Activities of the schedule and trigger workflows (workflows/engine/triggers.ts): start a run once per
// firing, follow it to its end, cancel it when the schedule cancels the workflow that follows it.

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`Invalid input: ${z.prettifyError(parsed.error)}`, 'InvalidInput');
  return parsed.data;
}

const scheduledRunInput = z.object({
  key: z.string().min(1),
  scheduleId: z.string().min(1),
  pipeline: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  scheduledAt: z.iso.datetime({ offset: true }),
});

/** A schedule's action fired: one run of its pipeline for the scheduled time, once per key. */
export async function startScheduledRun(input: z.input<typeof scheduledRunInput>): Promise<TriggeredRunResult> {
  const req = parse(scheduledRunInput, input);
  // The run starts in the schedule's own workspace, with its creator's authority.
  const owner = await scheduleOwner(req.scheduleId);
  return withWorkspace(
    owner.workspaceId,
    () =>
      startTriggeredRun(catalog, {
        pipeline: req.pipeline,
        params: req.params,
        firing: { key: req.key, kind: 'schedule', scheduleId: req.scheduleId, scheduledAt: new Date(req.scheduledAt) },
      }),
    owner.actor,
  );
}

const datasetRunInput = z.object({
  key: z.string().min(1),
  triggerId: z.uuid(),
  versions: z.array(z.object({ dataset: z.string(), version: z.number().int() })).min(1),
});

export async function startDatasetRun(input: z.input<typeof datasetRunInput>): Promise<TriggeredRunResult> {
  const req = parse(datasetRunInput, input);
  const owner = await triggerOwner(req.triggerId);
  // A trigger deleted since the versions arrived belongs to no workspace any more: nothing starts, nothing is recorded.
  if (!owner) return { status: 'refused', message: 'The trigger was deleted', existing: false };
  return withWorkspace(owner.workspaceId, () => startDatasetTriggerRun(catalog, req), owner.actor);
}

/** After a run succeeded (called by the bookkeeping that records it): the pipelines that follow it start. */
export async function startFollowingRuns(runId: string): Promise<void> {
  for (const result of await startRunSuccessTriggers(catalog, runId)) {
    if (result.status !== 'started') console.warn(`[triggers] after run ${runId}: ${result.message}`);
  }
}

const awaitRunInput = z.object({ runId: z.uuid(), maxWaitSeconds: z.number().int().min(1).default(3600), pollMs: z.number().int().min(50).default(1000) });

/**
 * Waits until the run is final in Postgres (or maxWaitSeconds pass: the workflow asks again, so one
 * activity never runs for days), heartbeating so a dead worker is noticed and a cancel arrives.
 */
export async function awaitRunEnd(input: z.input<typeof awaitRunInput>): Promise<{ status: string; final: boolean }> {
  const { runId, maxWaitSeconds, pollMs } = parse(awaitRunInput, input);
  const ctx = Context.current();
  const until = Date.now() + maxWaitSeconds * 1000;
  for (;;) {
    const state = await runStatusOf(runId);
    ctx.heartbeat(state.status);
    if (state.final || Date.now() >= until) return state;
    await ctx.sleep(pollMs);
  }
}

/** The schedule cancelled the workflow following this run (overlap "cancel previous"): the run is cancelled too. */
export async function cancelTriggeredRun(input: { runId: string }): Promise<void> {
  const { runId } = parse(z.object({ runId: z.uuid() }), input);
  if ((await runStatusOf(runId)).final) return;
  const client = await temporalClient();
  try {
    await client.workflow.getHandle(workflowIdOf(runId)).cancel();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
