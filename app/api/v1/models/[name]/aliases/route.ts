import { json } from '../../../../../../server/rest/http';
import { intQueryParams } from '../../../../../../server/rest/registry-params';
import { route } from '../../../../../../server/rest/route';
import { modelAliasHistory } from '../../../../../../server/services/model-aliases';

export const dynamic = 'force-dynamic';

/** Every move of the model's aliases, newest first (`?before=<event id>` pages back, `?limit=`). */
export const GET = route<{ name: string }>({ role: 'viewer' }, async (req, { params }) => {
  const q = intQueryParams(new URL(req.url).searchParams, ['before', 'limit'] as const);
  return json(await modelAliasHistory({ name: decodeURIComponent(params.name), ...q }));
});
