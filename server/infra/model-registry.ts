import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { endpoints, models, modelVersions } from '../../db/schema';
import type { TransformChain } from '../../workflows/core/transforms';
import type { ModelMeta } from './fitter';
import { notFound } from './errors';
import { defaultWorkspaceId } from './workspace';

// The model registry: model versions and which one each endpoint serves. Used by the train and deploy
// steps and by the web side alike.

export interface ModelVersionRef {
  modelVersionId: string;
  model: string;
  version: number;
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
  return getDb().transaction(async (tx) => {
    await tx.insert(models).values({ workspaceId, name }).onConflictDoNothing();
    const [m] = await tx
      .select({ id: models.id })
      .from(models)
      .where(and(eq(models.workspaceId, workspaceId), eq(models.name, name)))
      .for('update');
    // A retried activity finds the version it already registered.
    const [existing] = await tx
      .select()
      .from(modelVersions)
      .where(and(eq(modelVersions.runId, input.runId), eq(modelVersions.nodeId, input.nodeId)));
    if (existing) return { modelVersionId: existing.id, model: name, version: existing.version };
    const [{ next }] = (await tx
      .select({ next: sql<number>`coalesce(max(${modelVersions.version}), 0) + 1` })
      .from(modelVersions)
      .where(eq(modelVersions.modelId, m!.id))) as [{ next: number }];
    const [row] = await tx
      .insert(modelVersions)
      .values({
        modelId: m!.id,
        version: Number(next),
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
      .returning();
    return { modelVersionId: row!.id, model: name, version: row!.version };
  });
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

/** Points the endpoint at a model version (creating the endpoint on first deploy). */
export async function promoteToEndpoint(endpoint: string, modelVersionId: string): Promise<void> {
  const workspaceId = await defaultWorkspaceId();
  await getDb()
    .insert(endpoints)
    .values({ workspaceId, name: endpoint, modelVersionId })
    .onConflictDoUpdate({
      target: [endpoints.workspaceId, endpoints.name],
      set: { modelVersionId, updatedAt: new Date() },
    });
}
