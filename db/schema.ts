import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  index,
} from 'drizzle-orm/pg-core';

import { MODEL_ALIASES } from '../workflows/core/model-aliases';
import { VERSION_MESSAGE_MAX } from '../workflows/core/version-message';
import { WORKSPACE_ROLES } from '../workflows/core/workspace-roles';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const roleCheck = (column: string) =>
  sql.raw(`${column} in (${WORKSPACE_ROLES.map((r) => `'${r}'`).join(', ')})`);

/**
 * Every row that belongs to a user belongs to a workspace. Also better-auth's organization table
 * (server/auth/auth.ts), hence `logo` and `metadata`.
 */
export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  logo: text('logo'),
  metadata: text('metadata'),
  createdAt: createdAt(),
});

// Accounts (better-auth's user, session, account and verification models; property names are its field names).

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  emailVerified: boolean('email_verified').notNull().default(false),
  image: text('image'),
  /** May create workspaces; the account made by the first-start set-up link. */
  isInstanceAdmin: boolean('is_instance_admin').default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    token: text('token').notNull().unique(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    /** The workspace the person is working in; their role there is what the API checks. */
    activeWorkspaceId: uuid('active_workspace_id').references(() => workspaces.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** A way to sign in: for now only `credential` (email and password; `password` is a scrypt hash). */
export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
    scope: text('scope'),
    password: text('password'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('accounts_user').on(t.userId)],
);

export const verifications = pgTable(
  'verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('verifications_identifier').on(t.identifier)],
);

/** A person's role in a workspace (better-auth's member model). */
export const workspaceMembers = pgTable(
  'workspace_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('workspace_members_workspace_user').on(t.workspaceId, t.userId),
    index('workspace_members_user').on(t.userId),
    check('workspace_members_role', roleCheck('role')),
  ],
);

/** An invitation an admin made; the invite link carries its id (better-auth's invitation model). */
export const workspaceInvitations = pgTable(
  'workspace_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').notNull(),
    status: text('status').notNull().default('pending'),
    inviterId: uuid('inviter_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('workspace_invitations_workspace').on(t.workspaceId),
    index('workspace_invitations_email').on(t.email),
    check('workspace_invitations_role', roleCheck('role')),
  ],
);

/**
 * The first-start set-up link's token (sha256 hex; the token itself is only printed). At most one row:
 * a new link replaces the old one, and using it deletes it.
 */
export const setupTokens = pgTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/** A bearer token for the CLI and REST, scoped to one workspace and one role. Only its hash is kept. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: text('role').notNull(),
    /** The token's first characters, shown in lists so a person can tell tokens apart. */
    prefix: text('prefix').notNull(),
    /** sha256 hex of the whole token: high entropy, so no salt or slow hash is needed. */
    tokenHash: text('token_hash').notNull().unique(),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    lastUsedIp: text('last_used_ip'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('api_tokens_workspace').on(t.workspaceId), check('api_tokens_role', roleCheck('role'))],
);

/** Who changed what, when and from where. Rows are only ever appended. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Null for instance-wide events (the first admin's set-up). */
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorKind: text('actor_kind', { enum: ['user', 'token', 'local', 'trigger', 'schedule', 'system', 'anonymous'] }).notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    targetKind: text('target_kind'),
    target: text('target'),
    details: jsonb('details').notNull().default({}),
    ip: text('ip'),
    userAgent: text('user_agent'),
    requestId: text('request_id'),
  },
  (t) => [index('audit_events_workspace_at').on(t.workspaceId, t.at.desc(), t.id.desc())],
);

export const pipelines = pgTable(
  'pipelines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('pipelines_workspace_name').on(t.workspaceId, t.name)],
);

/** Immutable: saving a pipeline appends a version. */
export const pipelineVersions = pgTable(
  'pipeline_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    pipelineId: uuid('pipeline_id').notNull().references(() => pipelines.id),
    version: integer('version').notNull(),
    document: jsonb('document').notNull(),
    plan: jsonb('plan').notNull(),
    planHash: text('plan_hash').notNull(),
    /** Who saved it: until accounts exist, the channel ("ui", "api", "cli") or the REST caller's X-Millrace-User. */
    author: text('author').notNull().default('unknown'),
    /** What the person saving said about the change. */
    message: varchar('message', { length: VERSION_MESSAGE_MAX }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('pipeline_versions_pipeline_version').on(t.pipelineId, t.version)],
);

export const runs = pgTable(
  'runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    pipelineVersionId: uuid('pipeline_version_id').notNull().references(() => pipelineVersions.id),
    status: text('status', { enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] }).notNull(),
    workflowId: text('workflow_id').notNull(),
    trigger: text('trigger').notNull().default('manual'),
    rerunOf: uuid('rerun_of'),
    /** The pipeline parameters' values the run got (given ∪ defaults). */
    params: jsonb('params').notNull().default({}),
    error: text('error'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Set when someone asks to cancel the run: from then on its steps register and promote nothing. */
    cancelRequestedAt: timestamp('cancel_requested_at', { withTimezone: true }),
    /** A preview run: only this step and its ancestors were run ("preview up to here"). */
    previewUpTo: text('preview_up_to'),
    /** Who started the run (the caller's label) and with which role; null for runs from before accounts. */
    startedBy: text('started_by'),
    startedRole: text('started_role'),
  },
  (t) => [
    index('runs_pipeline_version').on(t.pipelineVersionId),
    // The reconciler's look-up of runs not yet final, every few seconds.
    index('runs_open').on(t.createdAt).where(sql`status in ('queued', 'running')`),
    // The runs list pages newest first by (created_at, id).
    index('runs_workspace_created').on(t.workspaceId, t.createdAt, t.id),
  ],
);

export const runSteps = pgTable(
  'run_steps',
  {
    runId: uuid('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    type: text('type').notNull(),
    status: text('status', { enum: ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** How many times the step's work actually began (each attempt start); proves no finished step reruns. */
    executions: integer('executions').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    error: text('error'),
    summary: jsonb('summary'),
    outputs: jsonb('outputs'),
    cacheKey: text('cache_key'),
    /** The run whose outputs this step reused instead of running (step cache, fix and resume). */
    cachedFrom: uuid('cached_from'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.nodeId] }), index('run_steps_cache_key').on(t.cacheKey)],
);

/**
 * What a step said while it ran (progress, row counts, verdicts, errors), per attempt. Written in batches by
 * the step's activity (workflows/steps/kit/step-log.ts), bounded per activity execution: the first and
 * last lines are kept and a line says how many between them were dropped.
 */
export const runStepLogs = pgTable(
  'run_step_logs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: uuid('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    level: text('level', { enum: ['info', 'warn', 'error'] }).notNull(),
    message: text('message').notNull(),
  },
  // The drawer's tail reads one step's lines after the last id it has.
  (t) => [index('run_step_logs_step').on(t.runId, t.nodeId, t.id)],
);

/** Decisions on approval steps (control.approval): who, when, what, why. */
export const approvals = pgTable(
  'approvals',
  {
    runId: uuid('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    decision: text('decision', { enum: ['approve', 'reject'] }).notNull(),
    comment: text('comment'),
    /** A user name, "anonymous", "api" or "timeout". */
    decidedBy: text('decided_by').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.nodeId] })],
);

/** Content-addressed files (tables, models, reports). */
export const artifacts = pgTable('artifacts', {
  hash: text('hash').primaryKey(),
  kind: text('kind', { enum: ['table', 'model', 'metrics', 'report'] }).notNull(),
  mediaType: text('media_type').notNull(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  meta: jsonb('meta').notNull().default(sql`'{}'::jsonb`),
  createdAt: createdAt(),
});

/** Lineage: which step of which run produced or consumed which artifact. */
export const artifactLinks = pgTable(
  'artifact_links',
  {
    runId: uuid('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    port: text('port').notNull(),
    role: text('role', { enum: ['input', 'output'] }).notNull(),
    artifactHash: text('artifact_hash').notNull().references(() => artifacts.hash),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.nodeId, t.port, t.role] }),
    index('artifact_links_hash').on(t.artifactHash),
  ],
);

export const datasets = pgTable(
  'datasets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    name: text('name').notNull(),
    /** The version "latest" means when set back by hand; null means the newest. A new version clears it. */
    latestVersion: integer('latest_version'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('datasets_workspace_name').on(t.workspaceId, t.name)],
);

export const datasetVersions = pgTable(
  'dataset_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id').notNull().references(() => datasets.id),
    version: integer('version').notNull(),
    /** sha256 of the uploaded bytes: identical uploads map to the same version. */
    sourceHash: text('source_hash').notNull(),
    sourceFormat: text('source_format').notNull(),
    artifactHash: text('artifact_hash').notNull().references(() => artifacts.hash),
    rows: bigint('rows', { mode: 'number' }).notNull(),
    columns: jsonb('columns').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('dataset_versions_dataset_version').on(t.datasetId, t.version),
    uniqueIndex('dataset_versions_dataset_source').on(t.datasetId, t.sourceHash),
  ],
);

export const models = pgTable(
  'models',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('models_workspace_name').on(t.workspaceId, t.name)],
);

export const modelVersions = pgTable(
  'model_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    modelId: uuid('model_id').notNull().references(() => models.id),
    version: integer('version').notNull(),
    artifactHash: text('artifact_hash').notNull().references(() => artifacts.hash),
    task: text('task', { enum: ['classification', 'regression', 'clustering'] }).notNull(),
    algorithm: text('algorithm').notNull(),
    target: text('target').notNull(),
    features: jsonb('features').notNull(),
    meta: jsonb('meta').notNull(),
    metrics: jsonb('metrics'),
    trainingArtifactHash: text('training_artifact_hash').references(() => artifacts.hash),
    runId: uuid('run_id').references(() => runs.id),
    nodeId: text('node_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('model_versions_model_version').on(t.modelId, t.version),
    uniqueIndex('model_versions_run_node').on(t.runId, t.nodeId),
  ],
);

/** Which version of a model each alias names. */
export const modelAliases = pgTable(
  'model_aliases',
  {
    modelId: uuid('model_id').notNull().references(() => models.id),
    alias: text('alias', { enum: MODEL_ALIASES }).notNull(),
    modelVersionId: uuid('model_version_id').notNull().references(() => modelVersions.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.alias] })],
);

/** Every move of a model alias: from which version to which, who or what moved it. */
export const modelAliasEvents = pgTable(
  'model_alias_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    modelId: uuid('model_id').notNull().references(() => models.id),
    alias: text('alias', { enum: MODEL_ALIASES }).notNull(),
    /** Null when the alias was set for the first time. */
    fromModelVersionId: uuid('from_model_version_id').references(() => modelVersions.id),
    toModelVersionId: uuid('to_model_version_id').notNull().references(() => modelVersions.id),
    /** `run:<id>`, a user name, `ui` or `api`. */
    actor: text('actor').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('model_alias_events_model').on(t.modelId, t.id)],
);

export const endpoints = pgTable(
  'endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    name: text('name').notNull(),
    /** The production slot: what predict serves. */
    modelVersionId: uuid('model_version_id').notNull().references(() => modelVersions.id),
    /** The staging slot, called with `?slot=staging`; null until something is deployed there. */
    stagingModelVersionId: uuid('staging_model_version_id').references(() => modelVersions.id),
    /** The pipeline whose deploy step created (or last took over) the endpoint; others need `takeOver`. */
    ownerPipelineId: uuid('owner_pipeline_id').references(() => pipelines.id),
    /**
     * The staging model as a challenger of production's requests: `canary` answers `canary_percent`% of
     * them, `shadow` scores every one beside production (only production answers), `none` neither.
     */
    challenger: text('challenger', { enum: ['none', 'canary', 'shadow'] }).notNull().default('none'),
    canaryPercent: integer('canary_percent').notNull().default(0),
    /** Who may call predict: `token` needs a viewer token or session of the workspace, `public` answers anyone. */
    access: text('access', { enum: ['token', 'public'] }).notNull().default('token'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('endpoints_workspace_name').on(t.workspaceId, t.name), check('endpoints_access', sql`access in ('token', 'public')`)],
);

/**
 * What happened to an endpoint, one row per event: which model version it served before and after, who
 * or what did it. Appended in the transaction that changes the endpoint, so the newest event of a slot
 * names the model version that slot serves.
 */
export const endpointEvents = pgTable(
  'endpoint_events',
  {
    // Assigned while the endpoint's row is locked: ordering by id orders the events of an endpoint.
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    endpointId: uuid('endpoint_id').notNull().references(() => endpoints.id),
    kind: text('kind', { enum: ['promotion', 'rollback', 'takeover'] }).notNull(),
    /** The slot the event changed. */
    slot: text('slot', { enum: ['production', 'staging'] }).notNull().default('production'),
    /** Null when the event created the endpoint. */
    fromModelVersionId: uuid('from_model_version_id').references(() => modelVersions.id),
    toModelVersionId: uuid('to_model_version_id').notNull().references(() => modelVersions.id),
    /** The run and step that did it; null for an event a person or the API caused directly. */
    runId: uuid('run_id').references(() => runs.id),
    nodeId: text('node_id'),
    /** `run:<id>`, a user name or `api`. */
    actor: text('actor').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('endpoint_events_endpoint').on(t.endpointId, t.id),
    // One deploy step of one run promotes at most once, however often its activity is retried.
    // A takeover is a promotion into another pipeline's endpoint.
    uniqueIndex('endpoint_events_run_node_promotion').on(t.runId, t.nodeId).where(sql`kind in ('promotion', 'takeover')`),
  ],
);

/**
 * One row per predict request, written in batches off the request path. `inputs` holds only the
 * model's feature values (row objects) and `outputs` the matching predictions; both keep the first
 * rows that fit MILLRACE_PREDICTION_LOG_MAX_BYTES (`truncated` when that is fewer than `row_count`).
 */
export const predictionLogs = pgTable(
  'prediction_logs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    endpointId: uuid('endpoint_id').notNull().references(() => endpoints.id),
    modelVersionId: uuid('model_version_id').notNull().references(() => modelVersions.id),
    inputs: jsonb('inputs').notNull(),
    outputs: jsonb('outputs').notNull(),
    /** Rows in the request (the logged arrays may hold fewer). */
    rowCount: integer('row_count').notNull().default(0),
    truncated: boolean('truncated').notNull().default(false),
    /** Milliseconds from the parsed request to the scored answer (validation and scoring), fractional. */
    latencyMs: doublePrecision('latency_ms').notNull(),
    /** The client's `X-Request-Id`, or one the server made up and answered with; feedback finds the request by it. */
    requestId: text('request_id'),
    /** The slot whose model made these predictions. */
    slot: text('slot', { enum: ['production', 'staging'] }).notNull().default('production'),
    /** A shadow challenger's predictions: scored beside production's, never answered. */
    shadow: boolean('shadow').notNull().default(false),
    /** The HTTP status answered; a refused request (bad rows, bad body) is logged with its error and no rows. */
    status: integer('status').notNull().default(200),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [
    index('prediction_logs_endpoint_time').on(t.endpointId, t.createdAt),
    // Retention deletes by time across all endpoints.
    index('prediction_logs_time').on(t.createdAt),
    index('prediction_logs_endpoint_request').on(t.endpointId, t.requestId),
  ],
);

/**
 * True labels for logged predictions (`POST /api/v1/endpoints/{name}/feedback`), one per request id and
 * row. A table of its own rather than columns on prediction_logs: labels arrive long after the log was
 * written (rewriting wide jsonb log rows would bloat them), may come again (an upsert keeps it idempotent),
 * and stay separate from the retention of the logs. Join on (endpoint_id, request_id) and `row` as the
 * index into the log's `outputs.predictions`.
 */
export const predictionFeedback = pgTable(
  'prediction_feedback',
  {
    endpointId: uuid('endpoint_id').notNull().references(() => endpoints.id),
    requestId: text('request_id').notNull(),
    /** Index of the row in the request (0 for a one-row request). */
    row: integer('row').notNull().default(0),
    /** A class name for classification, a number for regression. */
    label: jsonb('label').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.requestId, t.row] }), index('prediction_feedback_time').on(t.createdAt)],
);

/**
 * The outbox of run starts: written in the same transaction as the run, so a run is never recorded
 * without the request to start it. The dispatcher (server/infra/run-dispatch.ts) starts the workflow
 * (id `run-<runId>`, idempotent) and stamps `dispatched_at`; a row still undispatched is picked up again.
 */
export const runStarts = pgTable(
  'run_starts',
  {
    runId: uuid('run_id').primaryKey().references(() => runs.id, { onDelete: 'cascade' }),
    workflowType: text('workflow_type').notNull(),
    taskQueue: text('task_queue').notNull(),
    input: jsonb('input').notNull(),
    memo: jsonb('memo').notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('run_starts_undispatched').on(t.createdAt).where(sql`dispatched_at is null`)],
);

/** `Idempotency-Key` of a run start: the same key with the same request answers the same run. */
export const runIdempotencyKeys = pgTable(
  'run_idempotency_keys',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    key: text('key').notNull(),
    /** Hash of the request the key was first used with (pipeline, version, options). */
    requestHash: text('request_hash').notNull(),
    runId: uuid('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

/**
 * What Temporal does not hold about a pipeline's schedule: who created and last changed it, and a note.
 * The schedule itself (times, time zone, policies, paused, next runs) lives only in Temporal.
 */
export const scheduleNotes = pgTable(
  'schedule_notes',
  {
    /** The Temporal schedule id: `<pipeline>:<name>`. */
    scheduleId: text('schedule_id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    pipelineId: uuid('pipeline_id').notNull().references(() => pipelines.id),
    name: text('name').notNull(),
    note: text('note'),
    createdBy: text('created_by').notNull(),
    /** The creator's role when they made it: its runs start with that authority. Null: made before accounts. */
    createdRole: text('created_role'),
    updatedBy: text('updated_by').notNull(),
    /** What the last change was ("created", "paused", "backfill …"). */
    lastChange: text('last_change').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('schedule_notes_pipeline').on(t.pipelineId), check('schedule_notes_created_role', roleCheck('created_role'))],
);

/**
 * An event that starts a pipeline: a new version of a dataset, a webhook call, or another pipeline's
 * successful run.
 */
export const triggers = pgTable(
  'triggers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    /** The pipeline it starts. */
    pipelineId: uuid('pipeline_id').notNull().references(() => pipelines.id),
    kind: text('kind', { enum: ['dataset', 'webhook', 'pipeline'] }).notNull(),
    /** dataset: the dataset whose new versions start the pipeline, and the quiet time before it does. */
    dataset: text('dataset'),
    debounceSeconds: integer('debounce_seconds'),
    /** pipeline: the pipeline whose successful runs start this one. */
    afterPipelineId: uuid('after_pipeline_id').references(() => pipelines.id),
    /** webhook: sha256 of the secret token (the token itself is shown once). */
    tokenHash: text('token_hash'),
    /** Run parameters: fixed values, and (webhook) parameter name → JSON pointer into the payload. */
    params: jsonb('params').notNull().default(sql`'{}'::jsonb`),
    paramPointers: jsonb('param_pointers').notNull().default(sql`'{}'::jsonb`),
    enabled: boolean('enabled').notNull().default(true),
    note: text('note'),
    createdBy: text('created_by').notNull(),
    /** The creator's role when they made it: its runs start with that authority. Null: made before accounts. */
    createdRole: text('created_role'),
    updatedBy: text('updated_by').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('triggers_pipeline').on(t.pipelineId),
    index('triggers_dataset').on(t.dataset),
    index('triggers_after').on(t.afterPipelineId),
    check('triggers_created_role', roleCheck('created_role')),
  ],
);

/**
 * The dataset-trigger outbox: one row per (enabled trigger, new dataset version), written in the
 * transaction that stores the version, so a version is never missed while Temporal is unreachable. The
 * worker delivers due rows to the trigger's debounce workflow, with backoff between failed attempts.
 */
export const datasetTriggerEvents = pgTable(
  'dataset_trigger_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    triggerId: uuid('trigger_id').notNull().references(() => triggers.id, { onDelete: 'cascade' }),
    dataset: text('dataset').notNull(),
    version: integer('version').notNull(),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('dataset_trigger_events_trigger_version').on(t.triggerId, t.dataset, t.version),
    index('dataset_trigger_events_due').on(t.nextAttemptAt).where(sql`delivered_at is null`),
  ],
);

/**
 * Each time a schedule or trigger fired: the run it started (or why none), the scheduled time, the
 * parameters and payload it carried, and the chain of pipelines that led to it. `key` makes a
 * firing idempotent: a retried activity or webhook with the same key finds the run already started.
 */
export const triggerFirings = pgTable(
  'trigger_firings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull().unique(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    // 'step': a control.trigger_pipeline step of another run.
    kind: text('kind', { enum: ['schedule', 'dataset', 'webhook', 'pipeline', 'step'] }).notNull(),
    scheduleId: text('schedule_id'),
    triggerId: uuid('trigger_id').references(() => triggers.id, { onDelete: 'set null' }),
    runId: uuid('run_id').references(() => runs.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['started', 'refused', 'failed'] }).notNull(),
    message: text('message'),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    params: jsonb('params'),
    payload: jsonb('payload'),
    /** The first run of a chain of pipeline-success triggers, and the pipelines it passed through. */
    originRunId: uuid('origin_run_id'),
    chain: jsonb('chain').notNull().default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    index('trigger_firings_run').on(t.runId),
    index('trigger_firings_schedule').on(t.scheduleId, t.createdAt),
    index('trigger_firings_trigger').on(t.triggerId, t.createdAt),
  ],
);

export const NOTIFICATION_EVENTS = ['run.failed', 'run.succeeded', 'approval.needed', 'monitor.alert'] as const;

/** In-app notifications; `dedupeKey` makes recording the same event twice (a retried activity) a no-op. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    event: text('event', { enum: NOTIFICATION_EVENTS }).notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    pipelineId: uuid('pipeline_id').references(() => pipelines.id),
    runId: uuid('run_id').references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id'),
    title: text('title').notNull(),
    message: text('message').notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('notifications_workspace_created').on(t.workspaceId, t.createdAt)],
);

/** Where notifications are POSTed: for the whole workspace (no pipeline) or one pipeline. */
export const webhooks = pgTable('webhooks', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
  pipelineId: uuid('pipeline_id').references(() => pipelines.id, { onDelete: 'cascade' }),
  /** Display form only (`https://hooks.slack.com/…`): a webhook URL's path is often its credential. */
  url: text('url').notNull(),
  /** The full URL, sealed (server/infra/secret-box.ts); null only on rows from before encryption, until the next start. */
  urlCiphertext: text('url_ciphertext'),
  /** Signs deliveries (X-Millrace-Signature), sealed; null: deliveries are unsigned. */
  signingSecretCiphertext: text('signing_secret_ciphertext'),
  events: jsonb('events').$type<(typeof NOTIFICATION_EVENTS)[number][]>().notNull(),
  createdAt: createdAt(),
});

/** The webhook outbox and its delivery log: the worker drains rows that are due, with backoff between attempts. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id').references(() => webhooks.id, { onDelete: 'set null' }),
    notificationId: uuid('notification_id').notNull().references(() => notifications.id, { onDelete: 'cascade' }),
    /** The webhook's display form; the full URL is read from the webhook when delivering. */
    url: text('url').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_webhook_notification').on(t.webhookId, t.notificationId),
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
  ],
);
