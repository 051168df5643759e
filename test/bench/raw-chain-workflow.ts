import { proxyActivities } from '@temporalio/workflow';

// The raw engine for the runs group: a workflow that runs `count` activities one after another, each
// doing nothing. Its time per activity is what Temporal itself costs per step on the same server.

const { nothing } = proxyActivities<{ nothing(i: number): Promise<number> }>({ startToCloseTimeout: '1 minute' });

export async function rawChainWorkflow(count: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i++) last = await nothing(i);
  return last;
}
