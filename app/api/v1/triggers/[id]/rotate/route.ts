import { json } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { rotateTriggerToken } from '../../../../../../server/services/triggers';

export const dynamic = 'force-dynamic';

/** A new webhook token, shown once; the old one stops working. */
export const POST = route<{ id: string }>({ role: 'editor', audit: 'trigger.changed' }, async (_req, { params, caller }) =>
  json(await rotateTriggerToken(params.id, caller.label)),
);
