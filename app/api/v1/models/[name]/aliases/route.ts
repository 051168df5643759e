import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { intQueryParams } from '../../../../../../server/rest/registry-params';
import { modelAliasHistory } from '../../../../../../server/services/model-aliases';

export const dynamic = 'force-dynamic';

/** Every move of the model's aliases, newest first (`?before=<event id>` pages back, `?limit=`). */
export async function GET(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const q = intQueryParams(new URL(req.url).searchParams, ['before', 'limit'] as const);
    return json(await modelAliasHistory({ name: decodeURIComponent((await params).name), ...q }));
  });
}
