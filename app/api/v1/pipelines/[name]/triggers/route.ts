import { readBody } from '../../../../../../server/rest/automation';
import { json } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { createTrigger, listTriggers } from '../../../../../../server/services/triggers';
import { createTriggerSchema } from '../../../../../../workflows/core/trigger-spec';

export const dynamic = 'force-dynamic';

export const GET = route<{ name: string }>({ role: 'viewer' }, async (_req, { params }) => json({ triggers: await listTriggers({ pipeline: params.name }) }));

/** A webhook trigger's answer holds its token: the only time it is shown. */
export const POST = route<{ name: string }>({ role: 'editor', audit: 'trigger.changed' }, async (req, { params: { name }, caller }) => {
  const created = await createTrigger(name, await readBody(req, createTriggerSchema), caller.label);
  return json({ ...created.trigger, token: created.token }, 201, { location: `/api/v1/triggers/${created.trigger.id}` });
});
