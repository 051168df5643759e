import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  index,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Every row that belongs to a user belongs to a workspace; one default workspace for now. */
export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

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
    error: text('error'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Set when someone asks to cancel the run: from then on its steps register and promote nothing. */
    cancelRequestedAt: timestamp('cancel_requested_at', { withTimezone: true }),
  },
  (t) => [index('runs_pipeline_version').on(t.pipelineVersionId)],
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

export const endpoints = pgTable(
  'endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id),
    name: text('name').notNull(),
    modelVersionId: uuid('model_version_id').notNull().references(() => modelVersions.id),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('endpoints_workspace_name').on(t.workspaceId, t.name)],
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
    latencyMs: integer('latency_ms').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('prediction_logs_endpoint_time').on(t.endpointId, t.createdAt),
    // Retention deletes by time across all endpoints.
    index('prediction_logs_time').on(t.createdAt),
  ],
);
