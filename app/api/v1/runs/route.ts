import { handle, json } from '../../../../server/rest/http';
import { runListQueryFrom } from '../../../../server/rest/run-list-query';
import { listRunPage } from '../../../../server/services/run-list';

export const dynamic = 'force-dynamic';

/** Runs newest first, filtered; `nextCursor` fetches the next page. */
export async function GET(req: Request) {
  return handle(async () => json(await listRunPage(runListQueryFrom(new URL(req.url).searchParams))));
}
