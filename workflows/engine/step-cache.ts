import { patched, proxyLocalActivities } from '@temporalio/workflow';
import type { PipelineWorkflowInput, PlanStep, StepInput } from '../core/plan';
import type { CachedStep, RunOpsActivities } from './activities';

// The step cache, from the workflow's side: before running a cacheable step, one local activity (no
// round trip through the server, no ActivityTaskScheduled) asks Postgres for an earlier success with the
// same key (workflows/steps/kit/step-cache.ts). On a hit the step does not run at all.

const { lookupStepCache } = proxyLocalActivities<RunOpsActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 10, initialInterval: '1 second', maximumInterval: '10 seconds' },
});

export async function fromCache(step: PlanStep, run: PipelineWorkflowInput, input: StepInput): Promise<CachedStep | undefined> {
  if (!step.cache || run.ignoreCache || !patched('step-cache')) return undefined;
  return (await lookupStepCache(input)) ?? undefined;
}
