import { catalog } from '../steps/catalog';
import type { StepActivity } from '../steps/kit/implement';
import { recordRunStatus, recordStepOutcome } from '../steps/kit/bookkeeping';
import { prepareFit } from '../steps/kit/train';
import { awaitRunEnd, cancelTriggeredRun, startDatasetRun, startScheduledRun } from '../steps/kit/run-triggers';
import { recordApprovalWait } from '../steps/kit/approval-wait';
import { lookupStepCache } from '../steps/kit/step-cache';

export type { CachedStep } from '../steps/kit/step-cache';

// The activity registry: each catalog entry's implementation is workflows/steps/<type>/activity.ts,
// found by its type name, so adding a step touches no list here.

export type StepActivities = Record<string, StepActivity>;

export async function loadStepActivities(): Promise<StepActivities> {
  const entries = await Promise.all(
    Object.keys(catalog).map(async (type) => {
      const mod = (await import(`../steps/${type}/activity.ts`).catch((err: Error) => {
        throw new Error(`Step "${type}" has no implementation at workflows/steps/${type}/activity.ts: ${err.message}`);
      })) as { default?: unknown };
      if (typeof mod.default !== 'function') {
        throw new Error(`workflows/steps/${type}/activity.ts must export default implement(definition, …)`);
      }
      return [type, mod.default as StepActivity] as const;
    }),
  );
  return Object.fromEntries(entries);
}

export const bookkeepingActivities = { recordRunStatus, recordStepOutcome };
export type BookkeepingActivities = typeof bookkeepingActivities;

/** The Node half before a train step's fit; the fit itself is the Python fit worker's (workflows/ml/worker.py). */
export const fitActivities = { prepareFit };
export type FitActivities = typeof fitActivities;

/** What the schedule and trigger workflows (workflows/engine/triggers.ts) call. */
export const triggerActivities = { startScheduledRun, startDatasetRun, awaitRunEnd, cancelTriggeredRun };
export type TriggerActivities = typeof triggerActivities;
/** The step cache's lookup and the approval step's wait (workflows/engine/step-cache.ts, approval.ts). */
export const runOpsActivities = { lookupStepCache, recordApprovalWait };
export type RunOpsActivities = typeof runOpsActivities;
