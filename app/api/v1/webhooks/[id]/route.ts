import { route } from '../../../../../server/rest/route';
import { deleteWebhook } from '../../../../../server/services/notifications';

export const dynamic = 'force-dynamic';

export const DELETE = route<{ id: string }>({ role: 'admin', audit: 'connection.deleted' }, async (_req, { params }) => {
  await deleteWebhook(params.id);
  return new Response(null, { status: 204 });
});
