import { HttpError } from '../rest/http';
import { AUDIT_CSV_COLUMNS, auditCsvLine, csvLine } from './audit-csv';
import { allAuditEvents, auditFilterSchema } from './audit-query';
import type { Principal } from './principal';

// GET /api/v1/audit.csv: the workspace's audit log with the page's filters, streamed page by page.

export function auditCsvResponse(caller: Principal, query: URLSearchParams): Response {
  if (!caller.workspaceId) throw new HttpError(403, 'You belong to no workspace');
  const filter = auditFilterSchema.parse(Object.fromEntries([...query.entries()].filter(([, v]) => v !== '')));
  const workspaceId = caller.workspaceId;
  const encoder = new TextEncoder();
  const rows = allAuditEvents(workspaceId, filter);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(AUDIT_CSV_COLUMNS)));
    },
    async pull(controller) {
      try {
        const next = await rows.next();
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(next.value.map(auditCsvLine).join('')));
      } catch (err) {
        console.error('[millrace] the audit CSV export failed:', err);
        controller.error(err);
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="audit-${day}.csv"`, 'cache-control': 'no-store' },
  });
}
