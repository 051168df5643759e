import { approverOf } from '../../../../../../../server/rest/approver';
import { handle, json, readJsonBody, type RouteParams } from '../../../../../../../server/rest/http';
import { moveAliasBody, moveModelAlias } from '../../../../../../../server/services/model-aliases';

export const dynamic = 'force-dynamic';

/** Points the alias at a version: `{"version": N}`; recorded with X-Millrace-User (else "api"). */
export async function PUT(req: Request, { params }: RouteParams<{ name: string; alias: string }>) {
  return handle(async () => {
    const p = await params;
    const body = await readJsonBody(req, moveAliasBody, { maxBytes: 4 * 1024 });
    return json(await moveModelAlias({ name: decodeURIComponent(p.name), alias: p.alias, version: body.version }, approverOf(req.headers, 'api')));
  });
}
