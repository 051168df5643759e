import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { listDeliveries } from '../../../../../../server/services/notifications';

export const dynamic = 'force-dynamic';

/** The webhook's delivery log, newest first: status, attempts, last status code and error. */
export async function GET(_req: Request, { params }: RouteParams<{ id: string }>) {
  return handle(async () => json({ deliveries: await listDeliveries({ webhookId: (await params).id }) }));
}
