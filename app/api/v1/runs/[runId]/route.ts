import { handle, json, type RouteParams } from '../../../../../server/rest/http';
import { getRun } from '../../../../../server/services/runs';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: RouteParams<{ runId: string }>) {
  return handle(async () => json(await getRun((await params).runId)));
}
