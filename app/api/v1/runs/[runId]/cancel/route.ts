import { json } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { cancelRun } from '../../../../../../server/services/runs';

export const dynamic = 'force-dynamic';

export const POST = route<{ runId: string }>({ role: 'editor', audit: 'run.cancelled' }, async (_req, { params }) => {
  await cancelRun(params.runId);
  return json({ cancelling: true }, 202);
});
