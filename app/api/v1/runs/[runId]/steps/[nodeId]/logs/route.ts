import { handle, json, type RouteParams } from '../../../../../../../../server/rest/http';
import { stepLogsQueryFrom } from '../../../../../../../../server/rest/step-logs-query';
import { stepLogs } from '../../../../../../../../server/services/step-logs';

export const dynamic = 'force-dynamic';

/** A step's log lines, oldest first; `after` (the last id read) tails a running step. */
export async function GET(req: Request, { params }: RouteParams<{ runId: string; nodeId: string }>) {
  return handle(async () => {
    const { runId, nodeId } = await params;
    return json(await stepLogs(stepLogsQueryFrom(runId, decodeURIComponent(nodeId), new URL(req.url).searchParams)));
  });
}
