import { handle, json, readJsonBody, type RouteParams } from '../../../../../../../server/rest/http';
import { approvalBody } from '../../../../../../../server/rest/schemas';
import { approverOf } from '../../../../../../../server/rest/approver';
import { decideApproval } from '../../../../../../../server/services/run-ops';

export const dynamic = 'force-dynamic';

/** Approves or rejects a waiting approval step: `{"decision": "approve" | "reject", "comment"?: "…"}`. */
export async function POST(req: Request, { params }: RouteParams<{ runId: string; node: string }>) {
  return handle(async () => {
    const { runId, node } = await params;
    const body = await readJsonBody(req, approvalBody, { maxBytes: 16 * 1024 });
    const decision = await decideApproval(runId, { nodeId: node, decision: body.decision, comment: body.comment, by: approverOf(req.headers, 'api') });
    return json(decision);
  });
}
