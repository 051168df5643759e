import fs from 'node:fs';
import type { Client } from '@temporalio/client';
import { workflowIdOf } from '../../server/infra/run-start';

/** Whether a process is running (a zombie waiting to be reaped counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The run's fitModel activity as Temporal sees it: whether the Python fit worker has started it, and the
 * pid of the fit process it reported in its last heartbeat ({ message, pid }).
 */
export async function pendingFit(client: Client, runId: string): Promise<{ started: boolean; pid?: number } | undefined> {
  const pending = (await client.workflow.getHandle(workflowIdOf(runId)).describe()).raw.pendingActivities ?? [];
  const fit = pending.find((a) => a.activityType?.name === 'fitModel');
  if (!fit) return undefined;
  let pid: number | undefined;
  for (const payload of fit.heartbeatDetails?.payloads ?? []) {
    try {
      const details = JSON.parse(Buffer.from(payload.data ?? []).toString('utf8'));
      if (typeof details?.pid === 'number') pid = details.pid;
    } catch {
      // not ours
    }
  }
  return { started: fit.state === 2 /* PENDING_ACTIVITY_STATE_STARTED */, pid };
}
