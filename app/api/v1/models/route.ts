import { json } from '../../../../server/rest/http';
import { route } from '../../../../server/rest/route';
import { listRegisteredModels } from '../../../../server/services/model-versions';

export const dynamic = 'force-dynamic';

/** Every model with its newest version and aliases. */
export const GET = route({ role: 'viewer' }, async () => json({ models: await listRegisteredModels() }));
