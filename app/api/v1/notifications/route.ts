import { json } from '../../../../server/rest/http';
import { route } from '../../../../server/rest/route';
import { listNotifications, unreadNotificationCount } from '../../../../server/services/notifications';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, async () => json({ unread: await unreadNotificationCount(), notifications: await listNotifications() }));
