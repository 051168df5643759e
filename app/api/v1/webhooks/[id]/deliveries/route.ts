import { json } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { listDeliveries } from '../../../../../../server/services/notifications';

export const dynamic = 'force-dynamic';

/** The webhook's delivery log, newest first: status, attempts, last status code and error. */
export const GET = route<{ id: string }>({ role: 'editor' }, async (_req, { params }) => json({ deliveries: await listDeliveries({ webhookId: params.id }) }));
