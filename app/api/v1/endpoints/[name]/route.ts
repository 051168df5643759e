import { json, readJsonBody } from '../../../../../server/rest/http';
import { route } from '../../../../../server/rest/route';
import { setEndpointAccess, setEndpointAccessBody } from '../../../../../server/services/endpoint-access';
import { getEndpoint } from '../../../../../server/services/endpoints';

export const dynamic = 'force-dynamic';

export const GET = route<{ name: string }>({ role: 'viewer' }, async (_req, { params }) => {
  const e = await getEndpoint(params.name);
  return json({ name: e.name, model: e.model, modelVersion: e.modelVersion, task: e.task, features: e.features, target: e.target, classes: e.classes, requestColumns: e.requestColumns, staging: e.staging, challenger: e.challenger, owner: e.owner, access: e.access });
});

/** `{"access": "public" | "token"}`: who may call the endpoint's predict; effective for the next request. */
export const PATCH = route<{ name: string }>({ role: 'deployer', audit: 'endpoint.access_changed' }, async (req, { params }) => {
  const body = await readJsonBody(req, setEndpointAccessBody, { maxBytes: 4 * 1024 });
  return json(await setEndpointAccess(params.name, body.access));
});
