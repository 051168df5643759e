import { handle, json } from '../../../../server/rest/http';
import { listRegisteredModels } from '../../../../server/services/model-versions';

export const dynamic = 'force-dynamic';

/** Every model with its newest version and aliases. */
export async function GET() {
  return handle(async () => json({ models: await listRegisteredModels() }));
}
