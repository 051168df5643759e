import { handle, json } from '../../../../server/rest/http';
import { listPipelines } from '../../../../server/services/pipelines';

export const dynamic = 'force-dynamic';

export async function GET() {
  return handle(async () => json({ pipelines: await listPipelines() }));
}
