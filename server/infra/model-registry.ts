import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { artifacts, endpointEvents, endpoints, models, modelVersions, runs } from '../../db/schema';
import type { TransformChain } from '../../workflows/core/transforms';
import { randomUUID } from 'node:crypto';
import { announceEndpointChanged, listeningEndpointChanges, notifyEndpointChanged } from './endpoint-changes';
import { mergeArtifactMeta, type ArtifactRow } from './artifact-store';
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
  /** The model file's artifact row, recorded with the version. */
  artifact: ArtifactRow;
  trainingArtifactHash: string;
  meta: ModelMeta;
  /** The learned transforms of the training table, kept in the version's metadata for the endpoint. */
  transforms?: TransformChain;
}): Promise<ModelVersionRef> {
  const name = `${input.pipeline}.${input.nodeId}`;
  const workspaceId = await defaultWorkspaceId();
  // Four statements: the run's row locked and checked, the model file's artifact row, the model's row
  // created or locked (the upsert locks it, serialising concurrent registrations of the model so the next
  // number is free), the version.
  return getDb().transaction(async (tx) => {
    await requireRunActive(tx, input.runId, 'model version registration');
    await tx.insert(artifacts).values(input.artifact).onConflictDoUpdate({ target: artifacts.hash, set: mergeArtifactMeta });
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
        artifactHash: input.artifact.hash,
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

/** Who promotes: a run's deploy step, or a person or client outside any run. */
export type PromotedBy = { runId: string; nodeId: string } | { actor: string };

/**
 * Points the endpoint at a model version (creating the endpoint on first deploy) and records the
 * promotion in the endpoint's history, in one transaction. From a run's deploy step, only while the run
 * is running and not being cancelled, and once per step: a retried activity finds its promotion recorded
 * and changes nothing. Promoting the version the endpoint already serves leaves the endpoint as it is.
 */
export async function promoteToEndpoint(endpoint: string, modelVersionId: string, by: PromotedBy): Promise<void> {
  const workspaceId = await defaultWorkspaceId();
  const step = 'runId' in by ? by : undefined;
  const promotedByStep = (tx: Tx, s: { runId: string; nodeId: string }) =>
    tx
      .select({ id: endpointEvents.id })
      .from(endpointEvents)
      .where(and(eq(endpointEvents.kind, 'promotion'), eq(endpointEvents.runId, s.runId), eq(endpointEvents.nodeId, s.nodeId)));
  // A process that listens for endpoint changes (a web process) returns once every listening process
  // has followed the change, so the next request anywhere is answered by the promoted version.
  const token = randomUUID();
  const acks = listeningEndpointChanges()?.collectAcks(token, 2000);
  let changed = false;
  await getDb().transaction(async (tx) => {
    if (step) {
      // Done by an earlier attempt (maybe before a cancel that came since): nothing more to do.
      if ((await promotedByStep(tx, step)).length) return;
      await requireRunActive(tx, step.runId, `promotion to endpoint "${endpoint}"`);
      // Attempts of one step are serialised by the run's row lock: look again now that we hold it.
      if ((await promotedByStep(tx, step)).length) return;
    }
    // Locks the endpoint's row (the first promotion creates it), so concurrent promotions to one
    // endpoint are ordered, and so are their events' ids.
    const [created] = await tx
      .insert(endpoints)
      .values({ workspaceId, name: endpoint, modelVersionId })
      .onConflictDoNothing()
      .returning({ id: endpoints.id });
    let endpointId = created?.id;
    let before: string | null = null;
    if (!endpointId) {
      const [current] = await tx
        .select({ id: endpoints.id, modelVersionId: endpoints.modelVersionId })
        .from(endpoints)
        .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.name, endpoint)))
        .for('update');
      if (!current) throw new Error(`Endpoint "${endpoint}" vanished while being promoted`);
      endpointId = current.id;
      before = current.modelVersionId;
      if (before !== modelVersionId) await tx.update(endpoints).set({ modelVersionId, updatedAt: new Date() }).where(eq(endpoints.id, endpointId));
    }
    // Recorded even when the endpoint already served this version: the history then says which runs
    // confirmed it, and "one promotion per deploy step that succeeded" stays a rule without exceptions.
    await tx.insert(endpointEvents).values({
      endpointId,
      kind: 'promotion',
      fromModelVersionId: before,
      toModelVersionId: modelVersionId,
      runId: step?.runId ?? null,
      nodeId: step?.nodeId ?? null,
      actor: step ? `run:${step.runId}` : (by as { actor: string }).actor,
    });
    // Serving processes drop their cached mapping on commit, so the next request gets this version.
    changed = before !== modelVersionId;
    if (changed) await notifyEndpointChanged(tx, endpoint, token);
  }).catch((err: unknown) => {
    acks?.cancel();
    throw err;
  });
  if (!changed) return acks?.cancel();
  await announceEndpointChanged(endpoint);
  await acks?.all();
}
