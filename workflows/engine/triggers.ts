import {
  CancellationScope,
  condition,
  continueAsNew,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { DatasetTriggerInput, DatasetVersionEvent, ScheduledRunInput } from '../core/schedule-spec';
import type { TriggerActivities } from './activities';

// The workflows of schedules and triggers. They only start runs (through an activity that records
// each firing once) and follow them; the pipeline's own workflow does the work.

export type { DatasetTriggerInput, ScheduledRunInput };

const start = proxyActivities<TriggerActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['InvalidInput'] },
});

const follow = proxyActivities<TriggerActivities>({
  startToCloseTimeout: '70 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['InvalidInput'] },
});

const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/**
 * A schedule's action. Starts one run for the scheduled time (a backfilled time included) and waits
 * for it to end, so the schedule's overlap policy applies to runs: while this workflow is open the
 * schedule counts the run as running. When the schedule cancels it (overlap "cancel previous"), the
 * run is cancelled too.
 */
export async function scheduledRunWorkflow(input: ScheduledRunInput): Promise<{ runId?: string; status: string; message?: string }> {
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START) ?? new Date(info.startTime);
  const started = await start.startScheduledRun({
    // One run per execution of this workflow, however often the activity is retried.
    key: `schedule:${info.workflowId}:${info.firstExecutionRunId}`,
    scheduleId: input.scheduleId,
    pipeline: input.pipeline,
    params: input.params,
    scheduledAt: scheduledAt.toISOString(),
  });
  if (started.status !== 'started') return { status: started.status, message: started.message };
  const { runId } = started;
  try {
    for (;;) {
      const state = await follow.awaitRunEnd({ runId, maxWaitSeconds: 3600 });
      if (state.final) return { runId, status: state.status };
    }
  } catch (err) {
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => start.cancelTriggeredRun({ runId }));
    throw err;
  }
}

export const datasetVersionSignal = defineSignal<[DatasetVersionEvent]>('datasetVersion');

/** Firings before the workflow continues as new, so a dataset that never stops changing keeps a short history. */
const FIRINGS_PER_EXECUTION = 50;

/**
 * One per dataset trigger, started (or signalled) by every new version of the dataset. It waits until
 * `debounceSeconds` pass without another version, then starts one run for the versions that came, and
 * ends when nothing more arrived, so an idle trigger holds no open workflow.
 */
export async function datasetTriggerWorkflow(input: DatasetTriggerInput): Promise<{ firings: number }> {
  const info = workflowInfo();
  // The outbox may deliver a version twice (a delivery it could not confirm is repeated): a version this
  // execution already has is ignored, and does not restart the wait. Executions from before kept every signal.
  const ignoresRepeats = patched('dataset-trigger-ignores-repeats');
  const seen = new Set<string>();
  const isNew = (event: DatasetVersionEvent) => {
    if (!ignoresRepeats) return true;
    const key = `${event.dataset}\u0000${event.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const arrived: DatasetVersionEvent[] = (input.pending ?? []).filter(isNew);
  let signals = 0;
  setHandler(datasetVersionSignal, (event) => {
    if (!isNew(event)) return;
    arrived.push(event);
    signals++;
  });
  let firings = 0;
  await condition(() => arrived.length > 0);
  while (arrived.length > 0) {
    // Each new version restarts the wait (no wait at all with a debounce of 0).
    while (input.debounceSeconds > 0) {
      const seen = signals;
      if (!(await condition(() => signals !== seen, `${input.debounceSeconds} seconds`))) break;
    }
    const versions = arrived.splice(0);
    firings++;
    await start.startDatasetRun({ key: `dataset:${info.workflowId}:${info.runId}:${firings}`, triggerId: input.triggerId, versions });
    if (firings >= FIRINGS_PER_EXECUTION && arrived.length > 0) {
      await continueAsNew<typeof datasetTriggerWorkflow>({ ...input, pending: arrived.splice(0) });
    }
  }
  return { firings };
}
