import { json } from '../../../../../server/rest/http';
import { route } from '../../../../../server/rest/route';
import { getRun } from '../../../../../server/services/runs';

export const dynamic = 'force-dynamic';

export const GET = route<{ runId: string }>({ role: 'viewer' }, async (_req, { params }) => json(await getRun(params.runId)));
