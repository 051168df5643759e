import { json } from '../../../../../../../../server/rest/http';
import { route } from '../../../../../../../../server/rest/route';
import { stepLogsQueryFrom } from '../../../../../../../../server/rest/step-logs-query';
import { stepLogs } from '../../../../../../../../server/services/step-logs';

export const dynamic = 'force-dynamic';

/** A step's log lines, oldest first; `after` (the last id read) tails a running step. */
export const GET = route<{ runId: string; nodeId: string }>({ role: 'viewer' }, async (req, { params: { runId, nodeId } }) =>
  json(await stepLogs(stepLogsQueryFrom(runId, decodeURIComponent(nodeId), new URL(req.url).searchParams))),
);
