import { z } from 'zod';
import { actorOf, readBody } from '../../../../../server/rest/automation';
import { handle, json, type RouteParams } from '../../../../../server/rest/http';
import { deleteTrigger, getTrigger, setTriggerEnabled } from '../../../../../server/services/triggers';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: RouteParams<{ id: string }>) {
  return handle(async () => json(await getTrigger((await params).id)));
}

/** Turns a trigger on or off. */
export async function PATCH(req: Request, { params }: RouteParams<{ id: string }>) {
  return handle(async () => {
    const { enabled } = await readBody(req, z.strictObject({ enabled: z.boolean() }));
    return json(await setTriggerEnabled((await params).id, enabled, actorOf(req)));
  });
}

export async function DELETE(_req: Request, { params }: RouteParams<{ id: string }>) {
  return handle(async () => {
    await deleteTrigger((await params).id);
    return new Response(null, { status: 204 });
  });
}
