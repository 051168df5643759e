import { getDb } from '../../../db/client';
import { approvals } from '../../../db/schema';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import definition from './definition';

// Runs once the workflow has the decision (workflows/engine/approval.ts): records it and lets the
// dependents run (approved) or skips them (rejected), as a gate does.
export default implement(definition, async ({ ctx }) => {
  const decision = ctx.approval;
  if (!decision) throw new StepInputError('An approval step runs only with a decision');
  // Idempotent under retry: the first record stands.
  await getDb()
    .insert(approvals)
    .values({
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      decision: decision.decision,
      comment: decision.comment ?? null,
      decidedBy: decision.by,
      decidedAt: new Date(decision.at),
    })
    .onConflictDoNothing();
  const approved = decision.decision === 'approve';
  const verb = approved ? 'Approved' : 'Rejected';
  const who = decision.by === 'timeout' ? 'when the timeout ran out' : `by ${decision.by}`;
  return {
    outcome: approved ? 'succeeded' : 'failed',
    outputs: approved ? { pass: { kind: 'signal' } } : {},
    summary: { decision: decision.decision, by: decision.by, at: decision.at, ...(decision.comment ? { comment: decision.comment } : {}) },
    message: approved ? undefined : `${verb} ${who}${decision.comment ? `: ${decision.comment}` : ''}`,
  };
});
