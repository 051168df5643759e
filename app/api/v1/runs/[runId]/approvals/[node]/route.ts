import { json, readJsonBody } from '../../../../../../../server/rest/http';
import { route } from '../../../../../../../server/rest/route';
import { approvalBody } from '../../../../../../../server/rest/schemas';
import { decideApproval } from '../../../../../../../server/services/run-ops';

export const dynamic = 'force-dynamic';

/** Approves or rejects a waiting approval step: `{"decision": "approve" | "reject", "comment"?: "…"}`. */
export const POST = route<{ runId: string; node: string }>({ role: 'deployer', audit: 'approval.decided' }, async (req, { params: { runId, node }, caller }) => {
  const body = await readJsonBody(req, approvalBody, { maxBytes: 16 * 1024 });
  return json(await decideApproval(runId, { nodeId: node, decision: body.decision, comment: body.comment, by: caller.label }));
});
