import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { listDatasetVersions } from '../../../../../../server/services/dataset-versions';
import { datasetNameSchema } from '../../../../../../server/services/datasets';

export const dynamic = 'force-dynamic';

/** Every version of the dataset, oldest first, and which one "latest" means. */
export async function GET(_req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => json(await listDatasetVersions(datasetNameSchema.parse((await params).name))));
}
