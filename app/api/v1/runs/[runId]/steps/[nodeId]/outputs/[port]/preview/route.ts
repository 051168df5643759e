import { handle, json, type RouteParams } from '../../../../../../../../../../server/rest/http';
import { intQueryParams } from '../../../../../../../../../../server/rest/registry-params';
import { previewRunOutput } from '../../../../../../../../../../server/services/run-outputs';

export const dynamic = 'force-dynamic';

/** A page of a step's table output: `?offset=` (default 0) and `?limit=` (default 100, at most 500). */
export async function GET(req: Request, { params }: RouteParams<{ runId: string; nodeId: string; port: string }>) {
  return handle(async () => {
    const p = await params;
    const q = intQueryParams(new URL(req.url).searchParams, ['offset', 'limit'] as const);
    return json(await previewRunOutput({ runId: p.runId, nodeId: decodeURIComponent(p.nodeId), port: decodeURIComponent(p.port), ...q }));
  });
}
