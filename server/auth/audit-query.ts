import { and, desc, eq, gte, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { auditEvents } from '../../db/schema';
import { AUDIT_ACTIONS, type AuditAction } from './audit-actions';

// Reading the audit log: newest first, keyset-paged on (at, id) so a page never repeats or skips rows that
// arrive while someone reads, filtered by action, actor and time. The page and the CSV export share it.

const isoDate = z.coerce.date({ error: 'A time such as 2026-01-31T12:00:00Z' });

export const auditFilterSchema = z.strictObject({
  action: z.enum(AUDIT_ACTIONS, { error: `An audit action: ${AUDIT_ACTIONS.join(', ')}` }).optional(),
  /** Part of the actor's label (an email, a token's name). */
  actor: z.string().trim().max(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditCursorSchema = z.strictObject({ at: z.coerce.date(), id: z.number().int().positive() });

export const auditPageQuery = auditFilterSchema.extend({
  cursor: auditCursorSchema.nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});

export interface AuditRow {
  id: number;
  at: Date;
  actorKind: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetKind: string | null;
  target: string | null;
  details: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

function conditions(workspaceId: string, filter: AuditFilter): SQL[] {
  const where: SQL[] = [eq(auditEvents.workspaceId, workspaceId)];
  if (filter.action) where.push(eq(auditEvents.action, filter.action));
  if (filter.actor) where.push(ilike(auditEvents.actorLabel, `%${filter.actor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (filter.from) where.push(gte(auditEvents.at, filter.from));
  if (filter.to) where.push(lt(auditEvents.at, filter.to));
  return where;
}

const columns = {
  id: auditEvents.id,
  at: auditEvents.at,
  actorKind: auditEvents.actorKind,
  actorId: auditEvents.actorId,
  actorLabel: auditEvents.actorLabel,
  action: auditEvents.action,
  targetKind: auditEvents.targetKind,
  target: auditEvents.target,
  details: auditEvents.details,
  ip: auditEvents.ip,
  userAgent: auditEvents.userAgent,
  requestId: auditEvents.requestId,
};

/** One page of the workspace's log and the cursor of the next one (null at the end). */
export async function listAuditEvents(
  workspaceId: string,
  raw: z.input<typeof auditPageQuery>,
): Promise<{ rows: AuditRow[]; nextCursor: { at: Date; id: number } | null }> {
  const query = auditPageQuery.parse(raw);
  const where = conditions(workspaceId, query);
  if (query.cursor) {
    const { at, id } = query.cursor;
    where.push(or(lt(auditEvents.at, at), and(eq(auditEvents.at, at), lt(auditEvents.id, id)))!);
  }
  const rows = await getDb()
    .select(columns)
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > query.limit && last ? { at: last.at, id: last.id } : null };
}

/** Every matching row, newest first, in batches (the CSV export streams them). */
export async function* allAuditEvents(workspaceId: string, filter: AuditFilter): AsyncGenerator<AuditRow[]> {
  let cursor: { at: Date; id: number } | null = null;
  do {
    const page: Awaited<ReturnType<typeof listAuditEvents>> = await listAuditEvents(workspaceId, { ...filter, cursor, limit: 200 });
    if (page.rows.length) yield page.rows;
    cursor = page.nextCursor;
  } while (cursor);
}

/** The actions present in a workspace's log, for the page's filter. */
export async function auditActionsUsed(workspaceId: string): Promise<AuditAction[]> {
  const rows = await getDb()
    .selectDistinct({ action: auditEvents.action })
    .from(auditEvents)
    .where(eq(auditEvents.workspaceId, workspaceId))
    .orderBy(sql`1`);
  const known = new Set<string>(AUDIT_ACTIONS);
  return rows.map((r) => r.action).filter((a): a is AuditAction => known.has(a));
}
