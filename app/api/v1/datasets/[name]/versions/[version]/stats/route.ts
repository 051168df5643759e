import { json } from '../../../../../../../../server/rest/http';
import { versionFromPath } from '../../../../../../../../server/rest/registry-params';
import { route } from '../../../../../../../../server/rest/route';
import { datasetVersionRef, datasetVersionStats } from '../../../../../../../../server/services/dataset-versions';

export const dynamic = 'force-dynamic';

/** Per-column statistics of the version: nulls, distinct values, min, max and a histogram. */
export const GET = route<{ name: string; version: string }>({ role: 'viewer' }, async (_req, { params: p }) => {
  const ref = datasetVersionRef.parse({ name: p.name, version: versionFromPath(p.version, 'Dataset') });
  return json(await datasetVersionStats(ref.name, ref.version));
});
