import { json } from '../../../../server/rest/http';
import { route } from '../../../../server/rest/route';
import { listEndpoints } from '../../../../server/services/endpoints';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, async () => json({ endpoints: await listEndpoints() }));
