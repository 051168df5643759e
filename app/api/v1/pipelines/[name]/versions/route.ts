import { json } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { listPipelineVersions } from '../../../../../../server/services/pipeline-versions';

export const dynamic = 'force-dynamic';

/** Every version of the pipeline, newest first, with author, time, message and step count. */
export const GET = route<{ name: string }>({ role: 'viewer' }, async (_req, { params }) => json(await listPipelineVersions(params.name)));
