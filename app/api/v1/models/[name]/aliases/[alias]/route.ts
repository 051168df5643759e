import { json, readJsonBody } from '../../../../../../../server/rest/http';
import { route } from '../../../../../../../server/rest/route';
import { moveAliasBody, moveModelAlias } from '../../../../../../../server/services/model-aliases';

export const dynamic = 'force-dynamic';

/** Points the alias at a version: `{"version": N}`; recorded as moved by the caller. */
export const PUT = route<{ name: string; alias: string }>({ role: 'deployer', audit: 'model.promoted' }, async (req, { params: p, caller }) => {
  const body = await readJsonBody(req, moveAliasBody, { maxBytes: 4 * 1024 });
  return json(await moveModelAlias({ name: decodeURIComponent(p.name), alias: p.alias, version: body.version }, caller.label));
});
