import { getDb } from '../../../db/client';
import { approvals } from '../../../db/schema';
import type { ApprovalDecision } from '../../core/plan';

/** Records a step's approval decision; idempotent under retry: the first record stands. */
export async function recordApproval(runId: string, nodeId: string, decision: ApprovalDecision): Promise<void> {
  await getDb()
    .insert(approvals)
    .values({
      runId,
      nodeId,
      decision: decision.decision,
      comment: decision.comment ?? null,
      decidedBy: decision.by,
      decidedAt: new Date(decision.at),
    })
    .onConflictDoNothing();
}
