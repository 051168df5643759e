import { handle, json } from '../../../../../server/rest/http';
import { compareIdsFrom } from '../../../../../server/rest/run-list-query';
import { compareRuns } from '../../../../../server/services/run-list';

export const dynamic = 'force-dynamic';

/** Parameters, metrics and step durations of two or more runs of one pipeline, side by side. */
export async function GET(req: Request) {
  return handle(async () => json(await compareRuns(compareIdsFrom(new URL(req.url).searchParams))));
}
