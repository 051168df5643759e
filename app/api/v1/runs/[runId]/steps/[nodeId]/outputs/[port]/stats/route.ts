import { handle, json, type RouteParams } from '../../../../../../../../../../server/rest/http';
import { runOutputStats } from '../../../../../../../../../../server/services/run-outputs';

export const dynamic = 'force-dynamic';

/** Per-column statistics of a step's table output: nulls, distinct values, min, max and a histogram. */
export async function GET(_req: Request, { params }: RouteParams<{ runId: string; nodeId: string; port: string }>) {
  return handle(async () => {
    const p = await params;
    return json(await runOutputStats({ runId: p.runId, nodeId: decodeURIComponent(p.nodeId), port: decodeURIComponent(p.port) }));
  });
}
