import { getDb } from '../../db/client';
import { auditEvents } from '../../db/schema';

// The one writer of the audit log, shared by the web side (calls that declare an audit action) and the
// worker side (schedules and triggers starting runs). A failed write is logged, never thrown: the change it
// records has already happened, and refusing the answer would make the caller retry a change that was made.

export type AuditActorKind = (typeof auditEvents.actorKind.enumValues)[number];

export interface AuditEntry {
  workspaceId: string | null;
  actorKind: AuditActorKind;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetKind?: string | null;
  target?: string | null;
  /** Small, readable facts about the change: never secrets, documents or whole payloads. */
  details?: Record<string, string | number | boolean | null>;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

const MAX_TEXT = 500;
const clip = (value: string | null | undefined) => (value == null ? null : value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value);

/** Appends one row; true when it was written. */
export async function appendAuditEvent(entry: AuditEntry): Promise<boolean> {
  try {
    await getDb()
      .insert(auditEvents)
      .values({
        workspaceId: entry.workspaceId,
        actorKind: entry.actorKind,
        actorId: clip(entry.actorId),
        actorLabel: clip(entry.actorLabel) ?? '',
        action: entry.action,
        targetKind: clip(entry.targetKind),
        target: clip(entry.target),
        details: entry.details ?? {},
        ip: clip(entry.ip),
        userAgent: clip(entry.userAgent),
        requestId: clip(entry.requestId),
      });
    return true;
  } catch (err) {
    console.error(`[millrace] could not write the audit event ${entry.action} by ${entry.actorLabel}:`, err);
    return false;
  }
}
