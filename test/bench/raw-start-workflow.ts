import { proxyActivities } from '@temporalio/workflow';

// The raw engine under "POST /runs to the first step": a workflow whose only work is one activity that
// reports when it started (test/bench/run-start-stack.ts).

const { firstStep } = proxyActivities<{ firstStep(): Promise<number> }>({ startToCloseTimeout: '30 seconds' });

export async function oneActivityWorkflow(): Promise<number> {
  return firstStep();
}
