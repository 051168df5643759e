import { json } from '../../../../../../../../../../server/rest/http';
import { intQueryParams } from '../../../../../../../../../../server/rest/registry-params';
import { route } from '../../../../../../../../../../server/rest/route';
import { previewRunOutput } from '../../../../../../../../../../server/services/run-outputs';

export const dynamic = 'force-dynamic';

/** A page of a step's table output: `?offset=` (default 0) and `?limit=` (default 100, at most 500). */
export const GET = route<{ runId: string; nodeId: string; port: string }>({ role: 'viewer' }, async (req, { params: p }) => {
  const q = intQueryParams(new URL(req.url).searchParams, ['offset', 'limit'] as const);
  return json(await previewRunOutput({ runId: p.runId, nodeId: decodeURIComponent(p.nodeId), port: decodeURIComponent(p.port), ...q }));
});
