import { and, desc, eq, lt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { endpointEvents, endpoints, models, modelVersions } from '../../db/schema';
import { ENDPOINT_NAME } from '../../workflows/steps/deploy.endpoint/definition';
import { notFound } from '../infra/errors';
import { currentWorkspaceId } from '../infra/workspace';

// An endpoint's history: every promotion (later rollbacks and takeovers), newest first, paged by keyset.

export const endpointHistoryQuery = z.strictObject({
  name: z.string().regex(ENDPOINT_NAME, 'Not an endpoint name: lowercase letters, digits, "-" and "_"'),
  limit: z.number().int('limit: a whole number from 1 to 200').min(1, 'limit: at least 1').max(200, 'limit: at most 200').default(50),
  /** `nextCursor` of the previous page. */
  cursor: z.string().regex(/^[1-9]\d{0,17}$/, 'cursor: not a cursor this API gave out (pass nextCursor unchanged)').optional(),
});
export type EndpointHistoryQuery = z.input<typeof endpointHistoryQuery>;

const modelVersionRef = z.object({ modelVersionId: z.uuid(), model: z.string(), version: z.number().int() });

export const endpointEventSchema = z.object({
  id: z.string().describe('Increases with every event of the endpoint'),
  kind: z.enum(['promotion', 'rollback', 'takeover']),
  slot: z.enum(['production', 'staging']).describe('The slot the event changed'),
  from: modelVersionRef.nullable().describe('What the endpoint served before; null when the event created it'),
  to: modelVersionRef,
  runId: z.uuid().nullable(),
  nodeId: z.string().nullable(),
  actor: z.string().describe('`run:<id>` for a run’s deploy step, else the person or client'),
  createdAt: z.iso.datetime(),
});
export type EndpointEvent = z.infer<typeof endpointEventSchema>;

export const endpointHistoryResponse = z.object({
  endpoint: z.string(),
  events: z.array(endpointEventSchema),
  nextCursor: z.string().nullable(),
});

export async function endpointHistory(raw: EndpointHistoryQuery): Promise<z.infer<typeof endpointHistoryResponse>> {
  const q = endpointHistoryQuery.parse(raw);
  const workspaceId = currentWorkspaceId();
  const db = getDb();
  const [endpoint] = await db
    .select({ id: endpoints.id })
    .from(endpoints)
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.name, q.name)));
  if (!endpoint) throw notFound(`Endpoint "${q.name}"`);
  const fromVersion = alias(modelVersions, 'from_version');
  const fromModel = alias(models, 'from_model');
  const rows = await db
    .select({
      e: endpointEvents,
      toVersion: modelVersions.version,
      toModel: models.name,
      fromVersion: fromVersion.version,
      fromModel: fromModel.name,
    })
    .from(endpointEvents)
    .innerJoin(modelVersions, eq(modelVersions.id, endpointEvents.toModelVersionId))
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .leftJoin(fromVersion, eq(fromVersion.id, endpointEvents.fromModelVersionId))
    .leftJoin(fromModel, eq(fromModel.id, fromVersion.modelId))
    .where(and(eq(endpointEvents.endpointId, endpoint.id), q.cursor ? lt(endpointEvents.id, Number(q.cursor)) : undefined))
    .orderBy(desc(endpointEvents.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    endpoint: q.name,
    events: page.map(({ e, ...r }) => ({
      id: String(e.id),
      kind: e.kind,
      slot: e.slot,
      from: e.fromModelVersionId && r.fromModel !== null && r.fromVersion !== null ? { modelVersionId: e.fromModelVersionId, model: r.fromModel, version: r.fromVersion } : null,
      to: { modelVersionId: e.toModelVersionId, model: r.toModel, version: r.toVersion },
      runId: e.runId,
      nodeId: e.nodeId,
      actor: e.actor,
      createdAt: e.createdAt.toISOString(),
    })),
    nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.e.id) : null,
  };
}
