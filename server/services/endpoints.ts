import { and, desc, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { applyChainToRows, missingRequestColumns, requestColumns, transformChainOf, type TransformChain } from '../../workflows/core/transforms';
import { endpoints, models, modelVersions, pipelines } from '../../db/schema';
import { artifactStore } from '../infra/artifact-store';
import { config } from '../infra/config';
import type { ModelMeta } from '../infra/fitter';
import { loadModel, score, validateRows, type LoadedModel, type RowWarning, type ScoreResult } from '../infra/scorer';
import { ServiceError, notFound } from '../infra/errors';
import type { Slot } from '../infra/model-registry';
import { currentWorkspaceId } from '../infra/workspace';
import { resolveEndpoint, type EndpointResolution } from './endpoint-resolution';
import { predictionLog, predictionLogRecord } from './prediction-log';

async function endpointRow(name: string) {
  const workspaceId = currentWorkspaceId();
  const [row] = await getDb()
    .select({ e: endpoints, v: modelVersions, model: models.name })
    .from(endpoints)
    .innerJoin(modelVersions, eq(modelVersions.id, endpoints.modelVersionId))
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.name, name)));
  if (!row) throw notFound(`Endpoint "${name}"`);
  return row;
}

export async function getEndpoint(name: string) {
  const { v, model, e } = await endpointRow(name);
  const meta = v.meta as ModelMeta;
  return {
    name,
    model,
    modelVersion: v.version,
    task: v.task,
    target: v.target,
    features: meta.features.map((f) => ({ name: f.name, type: f.type })),
    // With learned transforms, requests carry the raw columns and the endpoint applies what was learned.
    ...(chainOf(meta).length ? { requestColumns: requestColumns(chainOf(meta), meta.features.map((f) => f.name)) } : {}),
    classes: meta.classes ?? undefined,
    metrics: v.metrics ?? undefined,
    updatedAt: e.updatedAt,
    /** Who may call predict: 'public' anyone, 'token' an API token or session of the workspace. */
    access: e.access,
    ...(await slotsOf(e)),
  };
}

/** What the staging slot serves, its challenger mode, and the owning pipeline. */
async function slotsOf(e: typeof endpoints.$inferSelect) {
  const [staging] = e.stagingModelVersionId
    ? await getDb()
        .select({ model: models.name, modelVersion: modelVersions.version })
        .from(modelVersions)
        .innerJoin(models, eq(models.id, modelVersions.modelId))
        .where(eq(modelVersions.id, e.stagingModelVersionId))
    : [];
  const [owner] = e.ownerPipelineId ? await getDb().select({ name: pipelines.name }).from(pipelines).where(eq(pipelines.id, e.ownerPipelineId)) : [];
  return { staging: staging ?? null, challenger: { mode: e.challenger, canaryPercent: e.canaryPercent }, owner: owner?.name ?? null };
}

export async function listEndpoints() {
  const workspaceId = currentWorkspaceId();
  const rows = await getDb()
    .select({ name: endpoints.name, model: models.name, version: modelVersions.version, task: modelVersions.task, target: modelVersions.target, metrics: modelVersions.metrics, updatedAt: endpoints.updatedAt })
    .from(endpoints)
    .innerJoin(modelVersions, eq(modelVersions.id, endpoints.modelVersionId))
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(endpoints.workspaceId, workspaceId))
    .orderBy(desc(endpoints.updatedAt));
  return rows.map((r) => ({ name: r.name, model: r.model, modelVersion: r.version, task: r.task, target: r.target, metrics: r.metrics, updatedAt: r.updatedAt }));
}

// Loaded ONNX sessions by model version id: the endpoint answers from memory after the first call.
const globalForModels = globalThis as unknown as { __millraceModels?: Map<string, Promise<LoadedModel>> };
const MAX_CACHED_MODELS = 16;

function cachedModel(modelVersionId: string, artifactHash: string, meta: ModelMeta): Promise<LoadedModel> {
  const cache = (globalForModels.__millraceModels ??= new Map());
  let entry = cache.get(modelVersionId);
  if (!entry) {
    entry = artifactStore()
      .localPath(artifactHash)
      .then((p) => loadModel(p, meta));
    entry.catch(() => cache.delete(modelVersionId));
    cache.set(modelVersionId, entry);
    if (cache.size > MAX_CACHED_MODELS) cache.delete(cache.keys().next().value!);
  }
  return entry;
}

// The learned transforms recorded with the model version, parsed once per resolved metadata object.
const chains = new WeakMap<ModelMeta, TransformChain>();
function chainOf(meta: ModelMeta): TransformChain {
  let chain = chains.get(meta);
  if (!chain) chains.set(meta, (chain = transformChainOf(meta as unknown as Record<string, unknown>)));
  return chain;
}

export interface PredictAnswer extends ScoreResult {
  /** Logged with the prediction; feedback finds the prediction by it. */
  requestId: string;
  model: string;
  modelVersion: number;
  /** Only when the staging slot answered. */
  slot?: Slot;
  /** Per row and feature: values scored but worth a look (a category the model never saw). */
  warnings: RowWarning[];
  /** Warnings beyond the first 100 are counted here, not listed. */
  warningsOmitted?: number;
}

/**
 * Scores rows with a slot's model: production unless `slot` names one. Without a slot, a staging
 * challenger takes part: a canary answers its percentage of the requests, a shadow scores every request
 * beside production (off the request path; only production answers). Answers from memory (endpoint
 * resolution and ONNX session are cached); every model's predictions are logged with their slot, off the
 * request path (server/services/prediction-log.ts).
 */
export async function predict(name: string, rows: unknown[], requestId: string, slot?: Slot): Promise<PredictAnswer> {
  const started = performance.now();
  const { maxPredictRows } = config();
  if (rows.length > maxPredictRows) {
    throw new ServiceError('too_large', `At most ${maxPredictRows} rows per request (got ${rows.length}): send the rows in several requests`);
  }
  let endpoint = await resolveEndpoint(name, slot ?? 'production');
  let shadow: EndpointResolution | undefined;
  const challenger = slot === undefined ? endpoint.challenger : undefined;
  if (challenger && (challenger.mode === 'shadow' || Math.random() * 100 < challenger.canaryPercent)) {
    // Production answers when the staging model cannot be looked up.
    const staging = await resolveEndpoint(name, 'staging').catch(() => undefined);
    if (staging && challenger.mode === 'canary') endpoint = staging;
    else shadow = staging;
  }
  const { checked, result } = await scoreAndLog(endpoint, rows, requestId, started, false);
  const answer: PredictAnswer = { requestId, model: endpoint.model, modelVersion: endpoint.modelVersion, ...result, warnings: checked.warnings };
  if (endpoint.slot === 'staging') answer.slot = 'staging';
  if (checked.warningsOmitted) answer.warningsOmitted = checked.warningsOmitted;
  if (shadow) {
    const challengerModel = shadow;
    setImmediate(() => {
      scoreAndLog(challengerModel, rows, requestId, performance.now(), true).catch((err: unknown) => reportShadowFailure(name, err));
    });
  }
  return answer;
}

/** Validates and scores the rows with one resolved model, and queues the log record. */
async function scoreAndLog(endpoint: EndpointResolution, rows: unknown[], requestId: string, started: number, shadow: boolean) {
  const { meta } = endpoint;
  // Raw rows first go through the transforms the model's training table went through (impute, encode, scale).
  const chain = chainOf(meta);
  if (chain.length) {
    const issues = missingRequestColumns(requestColumns(chain, meta.features.map((f) => f.name)), rows);
    const errors = issues.map((e) => `row ${e.row}: feature "${e.feature}": ${e.message}`);
    if (issues.length) throw new ServiceError('invalid', errors.join('; '), { errors, issues });
  }
  const checked = validateRows(meta, applyChainToRows(chain, rows));
  if (!checked.ok) throw new ServiceError('invalid', checked.errors.join('; '), { errors: checked.errors, issues: checked.issues });
  const loaded = await cachedModel(endpoint.modelVersionId, endpoint.artifactHash, meta);
  const result = await score(loaded, checked.rows);
  predictionLog().add(
    predictionLogRecord(meta, checked.rows, result, {
      endpointId: endpoint.endpointId,
      modelVersionId: endpoint.modelVersionId,
      latencyMs: performance.now() - started,
      requestId,
      maxBytes: config().predictionLogMaxBytes,
      slot: endpoint.slot,
      shadow,
    }),
  );
  return { checked, result };
}

let lastShadowReport = 0;
/** A shadow challenger failing never touches the answer; at most one console line per 10 s says so. */
function reportShadowFailure(name: string, err: unknown): void {
  if (Date.now() - lastShadowReport < 10_000) return;
  lastShadowReport = Date.now();
  console.error(`[millrace] endpoint "${name}": the shadow (staging) model could not score a request:`, err instanceof Error ? err.message : err);
}
