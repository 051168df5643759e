import { endpointHistoryQueryFrom } from '../../../../../../server/rest/endpoint-history-query';
import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { endpointHistory } from '../../../../../../server/services/endpoint-history';

export const dynamic = 'force-dynamic';

/** The endpoint's promotions, newest first; `nextCursor` fetches the next page. */
export async function GET(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => json(await endpointHistory(endpointHistoryQueryFrom((await params).name, new URL(req.url).searchParams))));
}
