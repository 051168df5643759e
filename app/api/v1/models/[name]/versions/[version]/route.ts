import { json } from '../../../../../../../server/rest/http';
import { versionFromPath } from '../../../../../../../server/rest/registry-params';
import { route } from '../../../../../../../server/rest/route';
import { getRegisteredModelVersion, modelNameSchema } from '../../../../../../../server/services/model-versions';

export const dynamic = 'force-dynamic';

/** One model version: metrics, parameters, features, training data, run, endpoints, aliases and lineage. */
export const GET = route<{ name: string; version: string }>({ role: 'viewer' }, async (_req, { params: p }) =>
  json(await getRegisteredModelVersion(modelNameSchema.parse(decodeURIComponent(p.name)), versionFromPath(p.version, 'Model'))),
);
