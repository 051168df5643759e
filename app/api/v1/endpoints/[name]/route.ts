import { json } from '../../../../../server/rest/http';
import { route } from '../../../../../server/rest/route';
import { getEndpoint } from '../../../../../server/services/endpoints';

export const dynamic = 'force-dynamic';

export const GET = route<{ name: string }>({ role: 'viewer' }, async (_req, { params }) => {
  const e = await getEndpoint(params.name);
  return json({ name: e.name, model: e.model, modelVersion: e.modelVersion, task: e.task, features: e.features, target: e.target, classes: e.classes, requestColumns: e.requestColumns, staging: e.staging, challenger: e.challenger, owner: e.owner, access: e.access });
});
