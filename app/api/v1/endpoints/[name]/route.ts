import { handle, json, type RouteParams } from '../../../../../server/rest/http';
import { getEndpoint } from '../../../../../server/services/endpoints';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const e = await getEndpoint((await params).name);
    return json({ name: e.name, model: e.model, modelVersion: e.modelVersion, task: e.task, features: e.features, target: e.target, classes: e.classes, requestColumns: e.requestColumns, staging: e.staging, challenger: e.challenger, owner: e.owner });
  });
}
