import { json } from '../../../../../server/rest/http';
import { route } from '../../../../../server/rest/route';
import { compareIdsFrom } from '../../../../../server/rest/run-list-query';
import { compareRuns } from '../../../../../server/services/run-list';

export const dynamic = 'force-dynamic';

/** Parameters, metrics and step durations of two or more runs of one pipeline, side by side. */
export const GET = route({ role: 'viewer' }, async (req) => json(await compareRuns(compareIdsFrom(new URL(req.url).searchParams))));
