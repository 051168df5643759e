import { json } from '../../../../server/rest/http';
import { route } from '../../../../server/rest/route';
import { runListQueryFrom } from '../../../../server/rest/run-list-query';
import { listRunPage } from '../../../../server/services/run-list';

export const dynamic = 'force-dynamic';

/** Runs newest first, filtered; `nextCursor` fetches the next page. */
export const GET = route({ role: 'viewer' }, async (req) => json(await listRunPage(runListQueryFrom(new URL(req.url).searchParams))));
