import { json } from '../../../../server/rest/http';
import { route } from '../../../../server/rest/route';
import { listPipelines } from '../../../../server/services/pipelines';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, async () => json({ pipelines: await listPipelines() }));
