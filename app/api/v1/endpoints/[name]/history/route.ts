import { endpointHistoryQueryFrom } from '../../../../../../server/rest/endpoint-history-query';
import { json } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { endpointHistory } from '../../../../../../server/services/endpoint-history';

export const dynamic = 'force-dynamic';

/** The endpoint's promotions, newest first; `nextCursor` fetches the next page. */
export const GET = route<{ name: string }>({ role: 'viewer' }, async (req, { params }) =>
  json(await endpointHistory(endpointHistoryQueryFrom(params.name, new URL(req.url).searchParams))),
);
