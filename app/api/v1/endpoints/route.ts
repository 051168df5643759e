import { handle, json } from '../../../../server/rest/http';
import { listEndpoints } from '../../../../server/services/endpoints';

export const dynamic = 'force-dynamic';

export async function GET() {
  return handle(async () => json({ endpoints: await listEndpoints() }));
}
