import { actorOf, readBody } from '../../../../../../server/rest/automation';
import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { rollback, rollbackBody } from '../../../../../../server/services/endpoint-rollback';

export const dynamic = 'force-dynamic';

/** Points a slot back at a version the endpoint served before; effective for the next request. */
export async function POST(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const { name } = await params;
    const actor = actorOf(req);
    return json(await rollback(name, await readBody(req, rollbackBody), actor));
  });
}
