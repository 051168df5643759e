import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { listPipelineVersions } from '../../../../../../server/services/pipeline-versions';

export const dynamic = 'force-dynamic';

/** Every version of the pipeline, newest first, with author, time, message and step count. */
export async function GET(_req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => json(await listPipelineVersions((await params).name)));
}
