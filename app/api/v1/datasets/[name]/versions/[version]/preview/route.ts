import { handle, json, type RouteParams } from '../../../../../../../../server/rest/http';
import { intQueryParams, versionFromPath } from '../../../../../../../../server/rest/registry-params';
import { previewDatasetVersion } from '../../../../../../../../server/services/dataset-versions';

export const dynamic = 'force-dynamic';

/** A page of the version's rows: `?offset=` (default 0) and `?limit=` (default 100, at most 500). */
export async function GET(req: Request, { params }: RouteParams<{ name: string; version: string }>) {
  return handle(async () => {
    const p = await params;
    const q = intQueryParams(new URL(req.url).searchParams, ['offset', 'limit'] as const);
    return json(await previewDatasetVersion({ name: p.name, version: versionFromPath(p.version, 'Dataset'), ...q }));
  });
}
