import { json, readJsonBody } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { setLatestBody, setLatestDatasetVersion } from '../../../../../../server/services/dataset-versions';
import { datasetNameSchema } from '../../../../../../server/services/datasets';

export const dynamic = 'force-dynamic';

/** Makes an existing version what "latest" means: `{"version": N}`. A later upload is "latest" again. */
export const POST = route<{ name: string }>({ role: 'editor', audit: 'dataset.version_set' }, async (req, { params }) => {
  const name = datasetNameSchema.parse(params.name);
  const body = await readJsonBody(req, setLatestBody, { maxBytes: 4 * 1024 });
  return json(await setLatestDatasetVersion(name, body.version));
});
