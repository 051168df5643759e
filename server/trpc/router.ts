import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { catalogManifest } from '../../workflows/steps/catalog';
import { listDatasetSchemas } from '../infra/dataset-registry';
import { PIPELINE_NAME } from '../../workflows/core/document';
import { versionMessageSchema } from '../../workflows/core/version-message';
import { listDatasets, uploadLimit } from '../services/datasets';
import { getEndpoint, listEndpoints, predict } from '../services/endpoints';
import { endpointAccessSchema, setEndpointAccess } from '../services/endpoint-access';
import { endpointHistory, endpointHistoryQuery } from '../services/endpoint-history';
import { endpointMetrics, endpointMetricsQuery } from '../services/endpoint-metrics';
import { rollback, rollbackBody, rollbackInput } from '../services/endpoint-rollback';
import { compileForServer, getPipeline, listPipelines, savePipeline } from '../services/pipelines';
import { describeSqlBatch, sqlRequestSchema } from '../infra/sql-descriptions';
import { runParamsSchema } from '../rest/schemas';
import { cancelRun, getRun, listRuns, startRun } from '../services/runs';
import { IDEMPOTENCY_KEY } from '../rest/schemas';
import { decideApproval, resumeRun } from '../services/run-ops';
import { automationRouter } from './automation';
import { dataRouter } from './data';
import { registryRouter } from './registry';
import { monitoringRouter } from './monitoring';
import { versionsRouter } from './versions';
import { runViewRouter } from './run-view';
import { tokensRouter } from './tokens';
import { auditRouter } from './audit';
import { membersRouter } from './members';
import { compareQuery, compareRuns, listRunPage, listRunTriggers, runListQuery } from '../services/run-list';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listNotifications,
  listWebhooks,
  markNotificationsRead,
  unreadNotificationCount,
  webhookInput,
} from '../services/notifications';
import { procedure, router, selfBoundedProcedure } from './init';

// The UI's API. Each procedure validates its input and hands off to a service; no logic lives here.

const pipelineName = z.string().regex(PIPELINE_NAME, 'Not a pipeline name');
const version = z.number().int().min(1);
const runId = z.string().min(1).max(200);
const idempotencyKey = z.string().regex(IDEMPOTENCY_KEY, 'An idempotency key is 1 to 200 visible ASCII characters');

export const appRouter = router({
  catalog: router({
    manifest: procedure('viewer').query(() => catalogManifest()),
  }),
  pipelines: router({
    list: procedure('viewer').query(() => listPipelines()),
    get: procedure('viewer')
      .input(z.object({ name: pipelineName, version: version.optional() }))
      .query(({ input }) => getPipeline(input.name, input.version)),
    /** The document is checked by the compiler inside the service; errors come back as values. */
    save: procedure('editor', 'pipeline.saved')
      .input(z.object({ document: z.unknown(), message: versionMessageSchema.optional() }))
      .mutation(({ input, ctx }) => savePipeline(input.document, { author: ctx.caller.label, message: input.message })),
    validate: procedure('viewer').input(z.object({ document: z.unknown() })).query(async ({ input }) => {
      const result = await compileForServer(input.document, 'save');
      return result.ok
        ? { ok: true as const, errors: [], warnings: result.warnings, planHash: result.plan.hash }
        : { ok: false as const, errors: result.errors, warnings: result.warnings };
    }),
    /** Output columns (or the parse/bind error) of the SQL the editor's compiler still needs described. */
    describeSql: procedure('viewer')
      .input(z.object({ requests: z.array(sqlRequestSchema).max(100) }))
      .query(({ input }) => describeSqlBatch(input.requests)),
  }),
  runs: router({
    start: selfBoundedProcedure('editor', 'run.started')
      .input(
        z.object({
          pipeline: pipelineName,
          version: version.optional(),
          params: runParamsSchema.optional(),
          idempotencyKey: idempotencyKey.optional(),
          ignoreCache: z.boolean().optional(),
        }),
      )
      .mutation(({ input }) =>
        startRun(input.pipeline, { version: input.version, params: input.params, idempotencyKey: input.idempotencyKey, ignoreCache: input.ignoreCache }),
      ),
    resume: procedure('editor', 'run.started').input(z.object({ runId, version: version.optional() })).mutation(({ input }) => resumeRun(input.runId, { version: input.version })),
    decideApproval: procedure('deployer', 'approval.decided')
      .input(z.object({ runId, nodeId: z.string().min(1).max(64), decision: z.enum(['approve', 'reject']), comment: z.string().max(2000).optional() }))
      .mutation(({ input, ctx }) =>
        decideApproval(input.runId, { nodeId: input.nodeId, decision: input.decision, comment: input.comment || undefined, by: ctx.caller.label }),
      ),
    get: procedure('viewer').input(z.object({ runId })).query(({ input }) => getRun(input.runId)),
    cancel: procedure('editor', 'run.cancelled').input(z.object({ runId })).mutation(({ input }) => cancelRun(input.runId)),
    list: procedure('viewer')
      .input(z.object({ pipeline: pipelineName.optional(), limit: z.number().int().min(1).max(500).optional() }).optional())
      .query(({ input }) => listRuns(input)),
    /** The runs page: filters and keyset paging. */
    page: procedure('viewer')
      // TanStack's infinite query adds the paging direction; pages only go forward.
      .input(runListQuery.extend({ direction: z.enum(['forward', 'backward']).optional() }))
      .query(({ input: { direction: _direction, ...query } }) => listRunPage(query)),
    triggers: procedure('viewer').query(() => listRunTriggers()),
    compare: procedure('viewer').input(compareQuery).query(({ input }) => compareRuns(input)),
  }),
  notifications: router({
    list: procedure('viewer').query(() => listNotifications()),
    unreadCount: procedure('viewer').query(() => unreadNotificationCount()),
    // Read marks are not a change that matters for the audit log.
    markRead: procedure('viewer')
      .input(z.object({ ids: z.array(z.uuid()).min(1).max(500).optional() }))
      .mutation(({ input }) => markNotificationsRead(input.ids)),
    // Webhook URLs can carry credentials (a Slack hook's path): editors and up.
    webhooks: procedure('editor').query(() => listWebhooks()),
    createWebhook: procedure('admin', 'connection.created').input(webhookInput).mutation(({ input }) => createWebhook(input)),
    deleteWebhook: procedure('admin', 'connection.deleted').input(z.object({ id: z.uuid() })).mutation(({ input }) => deleteWebhook(input.id)),
    deliveries: procedure('editor')
      .input(z.object({ webhookId: z.uuid().optional() }).optional())
      .query(({ input }) => listDeliveries({ webhookId: input?.webhookId })),
  }),
  datasets: router({
    list: procedure('viewer').query(() => listDatasets()),
    /** Every version's columns, for the editor's design-time schema checks and column pickers. */
    schemas: procedure('viewer').query(() => listDatasetSchemas()),
    uploadLimit: procedure('viewer').query(() => uploadLimit()),
  }),
  endpoints: router({
    list: procedure('viewer').query(() => listEndpoints()),
    history: procedure('viewer').input(endpointHistoryQuery).query(({ input }) => endpointHistory(input)),
    metrics: procedure('viewer').input(endpointMetricsQuery).query(({ input }) => endpointMetrics(input)),
    get: procedure('viewer').input(z.strictObject({ name: z.string().max(200) })).query(({ input }) => getEndpoint(input.name)),
    /** The endpoint page's "try it": one row, scored by production as a predict request is. */
    // Editors and up: each call writes a prediction log row, which feeds monitoring.
    predict: procedure('editor')
      .input(z.strictObject({ name: z.string().max(200), row: z.record(z.string(), z.unknown()) }))
      .mutation(({ input }) => predict(input.name, [input.row], randomUUID(), 'production')),
    rollback: procedure('deployer', 'endpoint.rolled_back')
      .input(rollbackInput)
      .mutation(({ input: { name, ...body }, ctx }) => rollback(name, rollbackBody.parse(body), ctx.caller.label)),
    /** Predict open to anyone ('public') or only to API tokens and sessions ('token'). */
    setAccess: procedure('deployer', 'endpoint.access_changed')
      .input(z.strictObject({ name: z.string().max(200), access: endpointAccessSchema }))
      .mutation(({ input }) => setEndpointAccess(input.name, input.access)),
  }),
  ...automationRouter,
  ...registryRouter,
  ...monitoringRouter,
  ...versionsRouter,
  ...dataRouter,
  ...runViewRouter,
  ...tokensRouter,
  ...auditRouter,
  ...membersRouter,
});

export type AppRouter = typeof appRouter;
