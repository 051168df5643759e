import type { AuditRow } from './audit-query';

// The audit log as CSV (RFC 4180). A cell a spreadsheet would read as a formula (starting with = + - @, a
// tab or a carriage return) gets a leading apostrophe, so an actor label or target chosen by someone cannot
// run in the admin's spreadsheet.

export const AUDIT_CSV_COLUMNS = ['time', 'actor_kind', 'actor', 'action', 'target_kind', 'target', 'details', 'ip', 'user_agent', 'request_id'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function auditCsvLine(row: AuditRow): string {
  const details = row.details && typeof row.details === 'object' && Object.keys(row.details).length ? JSON.stringify(row.details) : '';
  return csvLine([row.at.toISOString(), row.actorKind, row.actorLabel, row.action, row.targetKind, row.target, details, row.ip, row.userAgent, row.requestId]);
}
