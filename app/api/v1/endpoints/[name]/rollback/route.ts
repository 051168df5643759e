import { readBody } from '../../../../../../server/rest/automation';
import { json } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { rollback, rollbackBody } from '../../../../../../server/services/endpoint-rollback';

export const dynamic = 'force-dynamic';

/** Points a slot back at a version the endpoint served before; effective for the next request. */
export const POST = route<{ name: string }>({ role: 'deployer', audit: 'endpoint.rolled_back' }, async (req, { params, caller }) =>
  json(await rollback(params.name, await readBody(req, rollbackBody), caller.label)),
);
