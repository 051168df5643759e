import { ApplicationFailure, condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ApprovalDecision, ApprovalRequest, PlanStep } from '../core/plan';
import type { RunOpsActivities } from './activities';

// Approval steps wait in the workflow, not in an activity: nothing runs while a person thinks it over,
// for minutes or days, and a worker restart loses nothing. A decision arrives as an update, so whoever
// sends it hears at once whether it was taken.

export type { ApprovalRequest };

/** The web side sends it by this name (server/services/run-ops.ts). */
export const approvalUpdate = defineUpdate<ApprovalDecision, [ApprovalRequest]>('approval');

const { recordApprovalWait } = proxyActivities<RunOpsActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 20, initialInterval: '1 second', maximumInterval: '10 seconds' },
});

/** Registers the decision handler for the run's approval steps; `decide` waits for one step's decision. */
export function approvalDesk(runId: string, steps: PlanStep[]) {
  const approvalSteps = new Set(steps.filter((s) => s.approval).map((s) => s.id));
  const waiting = new Set<string>();
  const decided = new Map<string, ApprovalDecision>();

  setHandler(
    approvalUpdate,
    (request) => {
      const decision: ApprovalDecision = {
        decision: request.decision,
        by: request.by,
        at: new Date().toISOString(),
        ...(request.comment ? { comment: request.comment } : {}),
      };
      decided.set(request.nodeId, decision);
      waiting.delete(request.nodeId);
      return decision;
    },
    {
      validator: (request) => {
        if (!approvalSteps.has(request.nodeId)) {
          throw ApplicationFailure.nonRetryable(`"${request.nodeId}" is not an approval step of this run`, 'NotAnApproval');
        }
        const earlier = decided.get(request.nodeId);
        if (earlier) {
          throw ApplicationFailure.nonRetryable(
            `"${request.nodeId}" was already decided (${earlier.decision} by ${earlier.by} at ${earlier.at})`,
            'AlreadyDecided',
          );
        }
        if (!waiting.has(request.nodeId)) {
          throw ApplicationFailure.nonRetryable(`"${request.nodeId}" is not waiting for a decision: the steps before it have not finished`, 'NotWaiting');
        }
      },
    },
  );

  return {
    async decide(step: PlanStep): Promise<ApprovalDecision> {
      const plan = step.approval!;
      waiting.add(step.id);
      const deadline = plan.timeoutSeconds === undefined ? undefined : new Date(Date.now() + plan.timeoutSeconds * 1000).toISOString();
      await recordApprovalWait({ runId, nodeId: step.id, deadline, onTimeout: plan.onTimeout, instructions: plan.instructions });
      const answered =
        plan.timeoutSeconds === undefined
          ? (await condition(() => decided.has(step.id)), true)
          : await condition(() => decided.has(step.id), plan.timeoutSeconds * 1000);
      if (answered) return decided.get(step.id)!;
      waiting.delete(step.id);
      const timedOut: ApprovalDecision = { decision: plan.onTimeout, by: 'timeout', at: new Date().toISOString() };
      decided.set(step.id, timedOut);
      return timedOut;
    },
  };
}
