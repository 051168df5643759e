import { json } from '../../../../../../../../server/rest/http';
import { intQueryParams, versionFromPath } from '../../../../../../../../server/rest/registry-params';
import { route } from '../../../../../../../../server/rest/route';
import { previewDatasetVersion } from '../../../../../../../../server/services/dataset-versions';

export const dynamic = 'force-dynamic';

/** A page of the version's rows: `?offset=` (default 0) and `?limit=` (default 100, at most 500). */
export const GET = route<{ name: string; version: string }>({ role: 'viewer' }, async (req, { params: p }) => {
  const q = intQueryParams(new URL(req.url).searchParams, ['offset', 'limit'] as const);
  return json(await previewDatasetVersion({ name: p.name, version: versionFromPath(p.version, 'Dataset'), ...q }));
});
