import { handle, type RouteParams } from '../../../../../server/rest/http';
import { deleteWebhook } from '../../../../../server/services/notifications';

export const dynamic = 'force-dynamic';

export async function DELETE(_req: Request, { params }: RouteParams<{ id: string }>) {
  return handle(async () => {
    await deleteWebhook((await params).id);
    return new Response(null, { status: 204 });
  });
}
