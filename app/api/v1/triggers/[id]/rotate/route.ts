import { actorOf } from '../../../../../../server/rest/automation';
import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { rotateTriggerToken } from '../../../../../../server/services/triggers';

export const dynamic = 'force-dynamic';

/** A new webhook token, shown once; the old one stops working. */
export async function POST(req: Request, { params }: RouteParams<{ id: string }>) {
  return handle(async () => json(await rotateTriggerToken((await params).id, actorOf(req))));
}
