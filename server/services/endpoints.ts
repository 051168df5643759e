import { and, desc, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { endpoints, models, modelVersions, predictionLogs } from '../../db/schema';
import { artifactStore } from '../infra/artifact-store';
import type { ModelMeta } from '../infra/fitter';
import { loadModel, score, validateRows, type LoadedModel } from '../infra/scorer';
import { ServiceError, notFound } from '../infra/errors';
import { defaultWorkspaceId } from '../infra/workspace';

async function endpointRow(name: string) {
  const workspaceId = await defaultWorkspaceId();
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
    classes: meta.classes ?? undefined,
    metrics: v.metrics ?? undefined,
    updatedAt: e.updatedAt,
  };
}

export async function listEndpoints() {
  const workspaceId = await defaultWorkspaceId();
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

export const MAX_PREDICT_ROWS = 10_000;

export async function predict(name: string, rows: unknown[]) {
  const started = performance.now();
  const { e, v, model } = await endpointRow(name);
  const meta = v.meta as ModelMeta;
  if (rows.length > MAX_PREDICT_ROWS) {
    throw new ServiceError('invalid', `At most ${MAX_PREDICT_ROWS} rows per request (got ${rows.length})`);
  }
  const checked = validateRows(meta, rows);
  if (!checked.ok) throw new ServiceError('invalid', checked.errors.join('; '), { errors: checked.errors });
  const loaded = await cachedModel(v.id, v.artifactHash, meta);
  const result = await score(loaded, checked.rows);
  const response = { model, modelVersion: v.version, ...result };
  const latencyMs = Math.round(performance.now() - started);
  await getDb().insert(predictionLogs).values({
    endpointId: e.id,
    modelVersionId: v.id,
    inputs: rows,
    outputs: result,
    latencyMs,
  });
  return response;
}
