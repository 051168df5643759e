import { actorOf, readBody } from '../../../../../../server/rest/automation';
import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { createTrigger, listTriggers } from '../../../../../../server/services/triggers';
import { createTriggerSchema } from '../../../../../../workflows/core/trigger-spec';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => json({ triggers: await listTriggers({ pipeline: (await params).name }) }));
}

/** A webhook trigger's answer holds its token: the only time it is shown. */
export async function POST(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const { name } = await params;
    const created = await createTrigger(name, await readBody(req, createTriggerSchema), actorOf(req));
    return json({ ...created.trigger, token: created.token }, 201, { location: `/api/v1/triggers/${created.trigger.id}` });
  });
}
