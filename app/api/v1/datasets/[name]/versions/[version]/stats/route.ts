import { handle, json, type RouteParams } from '../../../../../../../../server/rest/http';
import { versionFromPath } from '../../../../../../../../server/rest/registry-params';
import { datasetVersionRef, datasetVersionStats } from '../../../../../../../../server/services/dataset-versions';

export const dynamic = 'force-dynamic';

/** Per-column statistics of the version: nulls, distinct values, min, max and a histogram. */
export async function GET(_req: Request, { params }: RouteParams<{ name: string; version: string }>) {
  return handle(async () => {
    const p = await params;
    const ref = datasetVersionRef.parse({ name: p.name, version: versionFromPath(p.version, 'Dataset') });
    return json(await datasetVersionStats(ref.name, ref.version));
  });
}
