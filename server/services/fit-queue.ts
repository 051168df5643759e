import { fitActivityIdOf } from '../../workflows/core/plan';
import { catalog } from '../../workflows/steps/catalog';
import { temporalClient } from '../temporal';
import { workflowIdOf } from '../infra/run-start';

const ASK_TIMEOUT_MS = 2000;
/** temporal.api.enums.v1.PendingActivityState: scheduled, not yet taken by a worker. */
const PENDING_ACTIVITY_STATE_SCHEDULED = 1;

/** Whether a step type fits in the Python fit worker (its fit can wait for a free fitter). */
export function fitsInFitWorker(type: string): boolean {
  const def = catalog[type];
  return !!def && 'fit' in def;
}

/**
 * The train steps of a running run whose fit is scheduled but not yet taken by a fit worker: every fitter
 * is busy (MILLRACE_FIT_CONCURRENCY each). Read from Temporal's pending activities; when Temporal does not
 * answer promptly the page simply shows no queue.
 */
export async function stepsWaitingForFitter(runId: string, nodeIds: string[]): Promise<Set<string>> {
  const waiting = new Set<string>();
  if (nodeIds.length === 0) return waiting;
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = await temporalClient();
    const described = await Promise.race([
      client.workflow.getHandle(workflowIdOf(runId)).describe(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('Temporal did not answer')), ASK_TIMEOUT_MS))),
    ]);
    for (const a of described.raw.pendingActivities ?? []) {
      if (a.activityType?.name !== 'fitModel' || a.state !== PENDING_ACTIVITY_STATE_SCHEDULED) continue;
      const nodeId = nodeIds.find((id) => fitActivityIdOf(id) === a.activityId);
      if (nodeId) waiting.add(nodeId);
    }
  } catch {
    // No answer, no queue shown.
  } finally {
    clearTimeout(timer);
  }
  return waiting;
}
