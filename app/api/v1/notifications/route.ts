import { handle, json } from '../../../../server/rest/http';
import { listNotifications, unreadNotificationCount } from '../../../../server/services/notifications';

export const dynamic = 'force-dynamic';

export async function GET() {
  return handle(async () => json({ unread: await unreadNotificationCount(), notifications: await listNotifications() }));
}
