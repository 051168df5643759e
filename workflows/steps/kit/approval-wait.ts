import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '../../../db/client';
import { runSteps } from '../../../db/schema';
import { notify } from '../../../server/infra/notifications';

/**
 * Shows an approval step as waiting for a decision (the run page offers Approve and Reject while it is)
 * and says so to the people who should decide (notification "approval needed").
 */
export async function recordApprovalWait(input: { runId: string; nodeId: string; deadline?: string; onTimeout: 'approve' | 'reject'; instructions?: string }) {
  await getDb()
    .update(runSteps)
    .set({
      status: 'running',
      startedAt: sql`coalesce(${runSteps.startedAt}, now())`,
      summary: {
        awaiting: 'approval',
        onTimeout: input.onTimeout,
        ...(input.deadline ? { deadline: input.deadline } : {}),
        ...(input.instructions ? { instructions: input.instructions } : {}),
      },
    })
    .where(and(eq(runSteps.runId, input.runId), eq(runSteps.nodeId, input.nodeId)));
  // In the app and to the webhooks that asked for it; idempotent per run and step, so a retry notifies once.
  await notify({ event: 'approval.needed', runId: input.runId, nodeId: input.nodeId, detail: input.instructions });
}
