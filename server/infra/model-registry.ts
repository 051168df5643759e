import { and, eq, ne, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { endpoints, models, modelVersions, runs } from '../../db/schema';
import type { TransformChain } from '../../workflows/core/transforms';
import type { ModelMeta } from './fitter';
import { notFound, ServiceError } from './errors';
import { defaultWorkspaceId } from './workspace';

// The model registry: model versions and which one each endpoint serves. Used by the train and deploy
// steps and by the web side alike.

export interface ModelVersionRef {
  modelVersionId: string;
  model: string;
  version: number;
}

type Tx = Parameters<Parameters<ReturnType<typeof getDb>['transaction']>[0]>[0];

/**
 * A run's steps register and promote only while the run is running and nobody asked to cancel it. Checked
 * in the transaction that writes, with the run's row locked: a cancel request (server/services/runs.ts
 * marks the row first) either comes before and nothing is written, or waits until the write is done.
 */
async function requireRunActive(tx: Tx, runId: string, what: string) {
  const [run] = await tx
    .select({ status: runs.status, cancelRequestedAt: runs.cancelRequestedAt })
    .from(runs)
    .where(eq(runs.id, runId))
    .for('update');
  if (!run) throw notFound(`Run ${runId}`);
  if (run.cancelRequestedAt || run.status === 'cancelled') throw new ServiceError('conflict', `Run ${runId} was cancelled: ${what} not done`);
  if (run.status !== 'running') throw new ServiceError('conflict', `Run ${runId} is ${run.status}, not running: ${what} not done`);
}

/** Every trained model becomes a model version; the model is named after the pipeline and train node. */
export async function registerModelVersion(input: {
  pipeline: string;
  runId: string;
  nodeId: string;
  artifactHash: string;
  trainingArtifactHash: string;
  meta: ModelMeta;
  /** The learned transforms of the training table, kept in the version's metadata for the endpoint. */
  transforms?: TransformChain;
}): Promise<ModelVersionRef> {
  const name = `${input.pipeline}.${input.nodeId}`;
  const workspaceId = await defaultWorkspaceId();
  // Four statements: the run's row locked and checked, the model's row created or locked (the upsert locks
  // it, serialising concurrent registrations of the model so the next number is free), the version.
  return getDb().transaction(async (tx) => {
    await requireRunActive(tx, input.runId, 'model version registration');
    const [m] = await tx
      .insert(models)
      .values({ workspaceId, name })
      .onConflictDoUpdate({ target: [models.workspaceId, models.name], set: { name: sql`excluded.name` } })
      .returning({ id: models.id });
    const [row] = await tx
      .insert(modelVersions)
      .values({
        modelId: m!.id,
        version: sql`(select coalesce(max(${modelVersions.version}), 0) + 1 from ${modelVersions} where ${modelVersions.modelId} = ${m!.id})`,
        artifactHash: input.artifactHash,
        task: input.meta.task,
        algorithm: input.meta.algorithm,
        target: input.meta.target,
        features: input.meta.features,
        meta: input.transforms?.length ? { ...input.meta, transforms: input.transforms } : input.meta,
        trainingArtifactHash: input.trainingArtifactHash,
        runId: input.runId,
        nodeId: input.nodeId,
      })
      // A retried activity, or a concurrent attempt, finds the version the step already registered.
      .onConflictDoNothing({ target: [modelVersions.runId, modelVersions.nodeId] })
      .returning({ id: modelVersions.id, version: modelVersions.version });
    if (row) return { modelVersionId: row.id, model: name, version: row.version };
    const [existing] = await tx
      .select({ id: modelVersions.id, version: modelVersions.version })
      .from(modelVersions)
      .where(and(eq(modelVersions.runId, input.runId), eq(modelVersions.nodeId, input.nodeId)));
    return { modelVersionId: existing!.id, model: name, version: existing!.version };
  });
}

/** The model version a run's train step registered, if it did (a retried step reuses it). */
export async function modelVersionOfStep(runId: string, nodeId: string) {
  const [row] = await getDb()
    .select({ v: modelVersions, name: models.name })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(modelVersions.runId, runId), eq(modelVersions.nodeId, nodeId)));
  return row ? { ...row.v, model: row.name, meta: row.v.meta as ModelMeta } : undefined;
}

export async function setModelVersionMetrics(modelVersionId: string, metrics: Record<string, unknown>) {
  await getDb().update(modelVersions).set({ metrics }).where(eq(modelVersions.id, modelVersionId));
}

export async function getModelVersion(modelVersionId: string) {
  const [row] = await getDb()
    .select({ v: modelVersions, name: models.name })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(modelVersions.id, modelVersionId));
  if (!row) throw notFound(`Model version ${modelVersionId}`);
  return { ...row.v, model: row.name, meta: row.v.meta as ModelMeta };
}

/**
 * Points the endpoint at a model version (creating the endpoint on first deploy). From a run's deploy step
 * (`runId`), only while the run is running and not being cancelled. Promoting the version the endpoint
 * already serves changes nothing (a retried deploy promotes once).
 */
export async function promoteToEndpoint(endpoint: string, modelVersionId: string, opts: { runId?: string } = {}): Promise<void> {
  const workspaceId = await defaultWorkspaceId();
  await getDb().transaction(async (tx) => {
    if (opts.runId) await requireRunActive(tx, opts.runId, `promotion to endpoint "${endpoint}"`);
    await tx
      .insert(endpoints)
      .values({ workspaceId, name: endpoint, modelVersionId })
      .onConflictDoUpdate({
        target: [endpoints.workspaceId, endpoints.name],
        set: { modelVersionId, updatedAt: new Date() },
        setWhere: ne(endpoints.modelVersionId, modelVersionId),
      });
  });
}
