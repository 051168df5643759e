import { json } from '../../../../../../../../../../server/rest/http';
import { route } from '../../../../../../../../../../server/rest/route';
import { runOutputStats } from '../../../../../../../../../../server/services/run-outputs';

export const dynamic = 'force-dynamic';

/** Per-column statistics of a step's table output: nulls, distinct values, min, max and a histogram. */
export const GET = route<{ runId: string; nodeId: string; port: string }>({ role: 'viewer' }, async (_req, { params: p }) =>
  json(await runOutputStats({ runId: p.runId, nodeId: decodeURIComponent(p.nodeId), port: decodeURIComponent(p.port) })),
);
