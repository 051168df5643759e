import { z } from 'zod';
import { readBody } from '../../../../../server/rest/automation';
import { json } from '../../../../../server/rest/http';
import { route } from '../../../../../server/rest/route';
import { deleteTrigger, getTrigger, setTriggerEnabled } from '../../../../../server/services/triggers';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>({ role: 'viewer' }, async (_req, { params }) => json(await getTrigger(params.id)));

/** Turns a trigger on or off. */
export const PATCH = route<{ id: string }>({ role: 'editor', audit: 'trigger.changed' }, async (req, { params, caller }) => {
  const { enabled } = await readBody(req, z.strictObject({ enabled: z.boolean() }));
  return json(await setTriggerEnabled(params.id, enabled, caller.label));
});

export const DELETE = route<{ id: string }>({ role: 'editor', audit: 'trigger.changed' }, async (_req, { params }) => {
  await deleteTrigger(params.id);
  return new Response(null, { status: 204 });
});
