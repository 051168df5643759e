import { json } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { listDatasetVersions } from '../../../../../../server/services/dataset-versions';
import { datasetNameSchema } from '../../../../../../server/services/datasets';

export const dynamic = 'force-dynamic';

/** Every version of the dataset, oldest first, and which one "latest" means. */
export const GET = route<{ name: string }>({ role: 'viewer' }, async (_req, { params }) =>
  json(await listDatasetVersions(datasetNameSchema.parse(params.name))),
);
