import { json } from '../../../../../server/rest/http';
import { route } from '../../../../../server/rest/route';
import { getRegisteredModel, modelNameSchema } from '../../../../../server/services/model-versions';

export const dynamic = 'force-dynamic';

/** A model's versions, newest first, and its aliases. */
export const GET = route<{ name: string }>({ role: 'viewer' }, async (_req, { params }) =>
  json(await getRegisteredModel(modelNameSchema.parse(decodeURIComponent(params.name)))),
);
