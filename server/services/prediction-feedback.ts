// True labels for logged predictions, attached by request id (POST /api/v1/endpoints/{name}/feedback),
// so monitoring can compare what the model said with what turned out to be true.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { endpoints, predictionFeedback, predictionLogs } from '../../db/schema';
import { ServiceError, notFound } from '../infra/errors';
import { currentWorkspaceId } from '../infra/workspace';
import { predictionLog } from './prediction-log';

export interface FeedbackItem {
  requestId: string;
  row: number;
  label: string | number | boolean;
}

export interface FeedbackAnswer {
  stored: number;
  unchanged: number;
  notFound: string[];
  rowsOutOfRange: { requestId: string; row: number; rowCount: number }[];
}

const LISTED = 100;

/**
 * Stores each label for its request id and row, when that request was logged on this endpoint and had
 * that row. Repeating a request changes nothing; a new label for the same row replaces the old one. Labels
 * that cannot be attached are listed (422), and the others are stored all the same.
 */
export async function recordFeedback(endpointName: string, items: FeedbackItem[]): Promise<FeedbackAnswer> {
  const workspaceId = currentWorkspaceId();
  const db = getDb();
  const [endpoint] = await db
    .select({ id: endpoints.id })
    .from(endpoints)
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.name, endpointName)));
  if (!endpoint) throw notFound(`Endpoint "${endpointName}"`);

  // The same request id and row twice in one body: the last label counts.
  const byKey = new Map<string, FeedbackItem>();
  for (const item of items) byKey.set(`${item.row}:${item.requestId}`, item);
  const unique = [...byKey.values()];
  const ids = new Set(unique.map((i) => i.requestId));

  // A prediction made by this process a moment ago may still be in the log's queue.
  await predictionLog().written(endpoint.id, ids);
  const logged = await db
    .select({ requestId: predictionLogs.requestId, rowCount: sql<number>`max(${predictionLogs.rowCount})::int` })
    .from(predictionLogs)
    .where(and(eq(predictionLogs.endpointId, endpoint.id), inArray(predictionLogs.requestId, [...ids])))
    .groupBy(predictionLogs.requestId);
  const rowCounts = new Map(logged.map((l) => [l.requestId!, l.rowCount]));

  const missing = [...ids].filter((id) => !rowCounts.has(id));
  const rowsOutOfRange: FeedbackAnswer['rowsOutOfRange'] = [];
  const attachable: FeedbackItem[] = [];
  for (const item of unique) {
    const rowCount = rowCounts.get(item.requestId);
    if (rowCount === undefined) continue;
    if (item.row >= rowCount) rowsOutOfRange.push({ requestId: item.requestId, row: item.row, rowCount });
    else attachable.push(item);
  }

  let stored = 0;
  for (let i = 0; i < attachable.length; i += 1000) {
    const chunk = attachable.slice(i, i + 1000);
    const written = await db
      .insert(predictionFeedback)
      .values(chunk.map((c) => ({ endpointId: endpoint.id, requestId: c.requestId, row: c.row, label: c.label })))
      .onConflictDoUpdate({
        target: [predictionFeedback.endpointId, predictionFeedback.requestId, predictionFeedback.row],
        set: { label: sql`excluded.label`, updatedAt: sql`now()` },
        // The same label again is not a change: the row (and its updated_at) stays as it was.
        setWhere: sql`${predictionFeedback.label} is distinct from excluded.label`,
      })
      .returning({ requestId: predictionFeedback.requestId });
    stored += written.length;
  }

  const answer: FeedbackAnswer = { stored, unchanged: attachable.length - stored, notFound: missing, rowsOutOfRange };
  if (missing.length || rowsOutOfRange.length) {
    const parts = [
      ...(missing.length
        ? [`${missing.length} request id(s) have no logged prediction on endpoint "${endpointName}": ${list(missing)}`]
        : []),
      ...(rowsOutOfRange.length
        ? [`${rowsOutOfRange.length} label(s) name a row the request did not have: ${list(rowsOutOfRange.map((r) => `${r.requestId} row ${r.row} (of ${r.rowCount})`))}`]
        : []),
    ];
    throw new ServiceError(
      'unprocessable',
      `${parts.join('; ')}. Those were not stored; the other ${attachable.length} label(s) were (${stored} new or changed).`,
      answer,
    );
  }
  return answer;
}

function list(values: string[]): string {
  return values.slice(0, LISTED).map((v) => JSON.stringify(v)).join(', ') + (values.length > LISTED ? `, … (${values.length} in all)` : '');
}
