import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '../../../db/client';
import { runSteps } from '../../../db/schema';

/** Shows an approval step as waiting for a decision (the run page offers Approve and Reject while it is). */
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
}
