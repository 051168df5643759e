import { auditCsvResponse } from '../../../../server/auth/audit-export';
import { route } from '../../../../server/rest/route';

export const dynamic = 'force-dynamic';

// Streams its own answer, so it bounds its own waits per page of rows.
export const GET = route({ role: 'admin' }, async (req, { caller }) => auditCsvResponse(caller, new URL(req.url).searchParams), { patienceMs: null });
