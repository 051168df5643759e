import { handle, json, type RouteParams } from '../../../../../../../server/rest/http';
import { versionFromPath } from '../../../../../../../server/rest/registry-params';
import { getRegisteredModelVersion, modelNameSchema } from '../../../../../../../server/services/model-versions';

export const dynamic = 'force-dynamic';

/** One model version: metrics, parameters, features, training data, run, endpoints, aliases and lineage. */
export async function GET(_req: Request, { params }: RouteParams<{ name: string; version: string }>) {
  return handle(async () => {
    const p = await params;
    return json(await getRegisteredModelVersion(modelNameSchema.parse(decodeURIComponent(p.name)), versionFromPath(p.version, 'Model')));
  });
}
