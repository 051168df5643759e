import { and, desc, eq, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { models, modelVersions } from '../../db/schema';
import type { ModelMeta } from '../models/fit';
import { notFound } from './errors';
import { defaultWorkspaceId } from './workspace';

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
        meta: input.meta,
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

export async function listModels() {
  const workspaceId = await defaultWorkspaceId();
  return getDb()
    .select({
      model: models.name,
      version: modelVersions.version,
      task: modelVersions.task,
      algorithm: modelVersions.algorithm,
      target: modelVersions.target,
      metrics: modelVersions.metrics,
      createdAt: modelVersions.createdAt,
    })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(models.workspaceId, workspaceId))
    .orderBy(desc(modelVersions.createdAt))
    .limit(200);
}
