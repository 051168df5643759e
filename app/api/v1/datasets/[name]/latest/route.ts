import { handle, json, readJsonBody, type RouteParams } from '../../../../../../server/rest/http';
import { setLatestBody, setLatestDatasetVersion } from '../../../../../../server/services/dataset-versions';
import { datasetNameSchema } from '../../../../../../server/services/datasets';

export const dynamic = 'force-dynamic';

/** Makes an existing version what "latest" means: `{"version": N}`. A later upload is "latest" again. */
export async function POST(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const name = datasetNameSchema.parse((await params).name);
    const body = await readJsonBody(req, setLatestBody, { maxBytes: 4 * 1024 });
    return json(await setLatestDatasetVersion(name, body.version));
  });
}
