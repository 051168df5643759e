import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { cancelRun } from '../../../../../../server/services/runs';

export const dynamic = 'force-dynamic';

export async function POST(_req: Request, { params }: RouteParams<{ runId: string }>) {
  return handle(async () => {
    await cancelRun((await params).runId);
    return json({ cancelling: true }, 202);
  });
}
