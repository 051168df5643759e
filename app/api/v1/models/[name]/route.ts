import { handle, json, type RouteParams } from '../../../../../server/rest/http';
import { getRegisteredModel, modelNameSchema } from '../../../../../server/services/model-versions';

export const dynamic = 'force-dynamic';

/** A model's versions, newest first, and its aliases. */
export async function GET(_req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => json(await getRegisteredModel(modelNameSchema.parse(decodeURIComponent((await params).name)))));
}
