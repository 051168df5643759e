import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { artifacts, endpointEvents, endpoints, models, modelVersions, pipelines, pipelineVersions, runs } from '../../db/schema';
import type { TransformChain } from '../../workflows/core/transforms';
import { randomUUID } from 'node:crypto';
import { announceEndpointChanged, listeningEndpointChanges, notifyEndpointChanged } from './endpoint-changes';
import { mergeArtifactMeta, type ArtifactRow } from './artifact-store';
import { deployStepActor, moveAliasWithSlot } from './model-alias-moves';
import type { ModelMeta } from './fitter';
import { notFound, ServiceError } from './errors';
import { currentWorkspaceId } from './workspace';

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
  const workspaceId = currentWorkspaceId();
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

export type Slot = 'production' | 'staging';
export const SLOTS = ['production', 'staging'] as const;

/** What a deploy step asks of a promotion beyond "serve this version" (workflows/steps/deploy.endpoint). */
export interface PromotionOptions {
  /** Default production. */
  slot?: Slot;
  /** Promote into an endpoint another pipeline owns (then this pipeline owns it). */
  takeOver?: boolean;
  /** Promote a model whose features (names and types) differ from the slot's current model. */
  allowSchemaChange?: boolean;
  /** Promote a model from a run that started before the run of the slot's current model. */
  allowOlder?: boolean;
  /** Promote only if the model's metric beats the slot's current model's by at least `by`. */
  betterThan?: { metric: string; by: number };
  /** Staging only: how the staging model challenges production's requests (canary share or shadow). */
  challenger?: { mode: 'none' | 'canary' | 'shadow'; canaryPercent: number };
}

/** A promotion either happened, or was skipped for a reason a run's summary shows. */
export type PromotionOutcome = { promoted: true; kind: 'promotion' | 'takeover'; fromModelVersionId: string | null } | { promoted: false; reason: string };

/** Metrics where a smaller number is the better model; every other metric is better when larger. */
const LOWER_IS_BETTER = /(^|_)(rmse|mse|mae|mape|loss|log_loss|error|inertia)$/;
export const lowerIsBetter = (metric: string) => LOWER_IS_BETTER.test(metric);

/** The model's features as `name:type`, sorted: what a request to the endpoint must carry. */
function featureSchema(meta: unknown): string[] {
  const features = ((meta as ModelMeta | null)?.features ?? []) as { name: string; type: string }[];
  return features.map((f) => `${f.name}:${f.type}`).sort();
}

function schemaDifference(current: string[], next: string[]): string {
  const gone = current.filter((f) => !next.includes(f));
  const added = next.filter((f) => !current.includes(f));
  return [gone.length ? `no longer takes ${gone.join(', ')}` : '', added.length ? `now takes ${added.join(', ')}` : ''].filter(Boolean).join('; ');
}

/**
 * The checks a run's deploy step makes before it promotes (a promotion outside any run makes none), in the promoting transaction with the
 * endpoint's row locked: ownership (refused: the pipeline needs `takeOver`), feature schema (refused: needs
 * `allowSchemaChange`), never older over newer and "only if better" (skipped, the step succeeds: a slow
 * run finishing after a newer one, or a model no better than production, is an expected outcome, not a
 * fault). Returns the skip reason, or throws the refusal.
 */
async function checkPromotion(
  tx: Tx,
  endpoint: string,
  /** `servedSlot`: whose model the candidate is compared with (production for an empty staging slot). */
  current: { ownerPipelineId: string | null; servedId: string | null; servedSlot?: Slot },
  candidateId: string,
  step: { runId: string; nodeId: string } | undefined,
  options: PromotionOptions,
): Promise<{ skip?: string; takeover: boolean; pipelineId?: string }> {
  // A person's or client's direct promotion is a deliberate act, like a rollback: unchecked.
  if (!step) return { takeover: false };
  let pipelineId: string | undefined;
  let takeover = false;
  {
    const [run] = await tx
      .select({ pipelineId: pipelineVersions.pipelineId })
      .from(runs)
      .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
      .where(eq(runs.id, step.runId));
    pipelineId = run?.pipelineId;
    if (current.ownerPipelineId && pipelineId && current.ownerPipelineId !== pipelineId) {
      if (!options.takeOver) {
        const [owner] = await tx.select({ name: pipelines.name }).from(pipelines).where(eq(pipelines.id, current.ownerPipelineId));
        throw new ServiceError(
          'conflict',
          `Endpoint "${endpoint}" belongs to pipeline "${owner?.name ?? current.ownerPipelineId}": set "Take over" on deploy step "${step.nodeId}" to promote there`,
        );
      }
      takeover = true;
    }
  }
  if (!current.servedId || current.servedId === candidateId) return { takeover, pipelineId };
  const versionsOf = (id: string) =>
    tx
      .select({ meta: modelVersions.meta, metrics: modelVersions.metrics, version: modelVersions.version, runStarted: sql<Date | null>`coalesce(${runs.startedAt}, ${runs.createdAt})`, model: models.name })
      .from(modelVersions)
      .innerJoin(models, eq(models.id, modelVersions.modelId))
      .leftJoin(runs, eq(runs.id, modelVersions.runId))
      .where(eq(modelVersions.id, id));
  const [[served], [candidate]] = await Promise.all([versionsOf(current.servedId), versionsOf(candidateId)]);
  if (!served || !candidate) throw notFound(`Model version ${served ? candidateId : current.servedId}`);
  const slot = current.servedSlot ?? options.slot ?? 'production';
  const where = step ? ` (deploy step "${step.nodeId}")` : '';
  if (!options.allowSchemaChange) {
    const difference = schemaDifference(featureSchema(served.meta), featureSchema(candidate.meta));
    if (difference) {
      throw new ServiceError(
        'conflict',
        `Endpoint "${endpoint}"${where}: ${candidate.model} v${candidate.version} has other features than the ${slot} model ${served.model} v${served.version} (it ${difference}); set "Allow schema change" to promote it`,
      );
    }
  }
  if (!options.allowOlder && served.runStarted && candidate.runStarted && new Date(candidate.runStarted) < new Date(served.runStarted)) {
    return {
      takeover,
      pipelineId,
      skip: `not promoted: ${candidate.model} v${candidate.version} comes from a run that started before the run of the ${slot} model ${served.model} v${served.version} (set "Allow older" to promote it anyway)`,
    };
  }
  if (options.betterThan) {
    const { metric, by } = options.betterThan;
    const value = (m: unknown) => {
      const v = (m as Record<string, unknown> | null)?.[metric];
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    };
    const mine = value(candidate.metrics);
    const theirs = value(served.metrics);
    if (mine === undefined) {
      throw new ServiceError('conflict', `Endpoint "${endpoint}"${where}: ${candidate.model} v${candidate.version} has no metric "${metric}": evaluate the model before deploying it`);
    }
    if (theirs !== undefined) {
      const gain = lowerIsBetter(metric) ? theirs - mine : mine - theirs;
      if (!(gain >= by)) {
        return {
          takeover,
          pipelineId,
          skip: `not promoted: ${metric} ${mine} is not better than the ${slot} model's ${theirs} by ${by}`,
        };
      }
    }
  }
  return { takeover, pipelineId };
}

/**
 * Points one slot of the endpoint at a model version (creating the endpoint on first deploy, owned by the
 * deploying run's pipeline) and records the promotion in the endpoint's history, in one transaction. From
 * a run's deploy step, only while the run is running and not being cancelled, and once per step: a retried
 * activity finds its promotion recorded and changes nothing. Promoting the version the slot already serves
 * leaves the endpoint as it is. The checks of `options` (checkPromotion) may refuse or skip it.
 */
export async function promoteToEndpoint(endpoint: string, modelVersionId: string, by: PromotedBy, options: PromotionOptions = {}): Promise<PromotionOutcome> {
  const workspaceId = currentWorkspaceId();
  const slot = options.slot ?? 'production';
  const step = 'runId' in by ? by : undefined;
  const promotedByStep = (tx: Tx, s: { runId: string; nodeId: string }) =>
    tx
      .select({ kind: endpointEvents.kind, from: endpointEvents.fromModelVersionId })
      .from(endpointEvents)
      .where(and(inArray(endpointEvents.kind, ['promotion', 'takeover']), eq(endpointEvents.runId, s.runId), eq(endpointEvents.nodeId, s.nodeId)));
  // A process that listens for endpoint changes (a web process) returns once every listening process
  // has followed the change, so the next request anywhere is answered by the promoted version.
  const token = randomUUID();
  const acks = listeningEndpointChanges()?.collectAcks(token, 2000);
  let changed = false;
  let challengerChanged = false;
  const outcome = await getDb().transaction(async (tx): Promise<PromotionOutcome> => {
    const earlier = async (): Promise<PromotionOutcome | undefined> => {
      const [done] = step ? await promotedByStep(tx, step) : [];
      return done ? { promoted: true, kind: done.kind as 'promotion' | 'takeover', fromModelVersionId: done.from } : undefined;
    };
    if (step) {
      // Done by an earlier attempt (maybe before a cancel that came since): nothing more to do.
      const done = await earlier();
      if (done) return done;
      await requireRunActive(tx, step.runId, `promotion to endpoint "${endpoint}"`);
      // Attempts of one step are serialised by the run's row lock: look again now that we hold it.
      const again = await earlier();
      if (again) return again;
    }
    const [existing] = await tx
      .select({
        id: endpoints.id,
        production: endpoints.modelVersionId,
        staging: endpoints.stagingModelVersionId,
        ownerPipelineId: endpoints.ownerPipelineId,
        challenger: endpoints.challenger,
        canaryPercent: endpoints.canaryPercent,
      })
      .from(endpoints)
      .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.name, endpoint)))
      .for('update');
    let endpointId = existing?.id;
    let before: string | null = null;
    let kind: 'promotion' | 'takeover' = 'promotion';
    if (!existing) {
      if (slot === 'staging') throw new ServiceError('conflict', `Endpoint "${endpoint}" does not exist yet: deploy to its production slot first`);
      const pipelineId = step ? (await checkPromotion(tx, endpoint, { ownerPipelineId: null, servedId: null }, modelVersionId, step, options)).pipelineId : undefined;
      // Locks the endpoint's row (the first promotion creates it), so concurrent promotions to one
      // endpoint are ordered, and so are their events' ids.
      const [created] = await tx
        .insert(endpoints)
        .values({ workspaceId, name: endpoint, modelVersionId, ownerPipelineId: pipelineId ?? null })
        .onConflictDoNothing()
        .returning({ id: endpoints.id });
      if (!created) throw new ServiceError('unavailable', `Endpoint "${endpoint}" was created by a concurrent promotion: retry`);
      endpointId = created.id;
    } else {
      before = slot === 'staging' ? existing.staging : existing.production;
      // An empty staging slot compares with production: what callers get today.
      const served = { ownerPipelineId: existing.ownerPipelineId, servedId: before ?? existing.production, servedSlot: before ? slot : ('production' as const) };
      const checked = await checkPromotion(tx, endpoint, served, modelVersionId, step, { ...options, slot });
      if (checked.skip) return { promoted: false, reason: checked.skip };
      if (checked.takeover) kind = 'takeover';
      const owner = step && checked.pipelineId && (checked.takeover || !existing.ownerPipelineId) ? { ownerPipelineId: checked.pipelineId } : {};
      const target = slot === 'staging' ? { stagingModelVersionId: modelVersionId } : { modelVersionId };
      const wanted = slot === 'staging' ? options.challenger : undefined;
      challengerChanged = !!wanted && (wanted.mode !== existing.challenger || wanted.canaryPercent !== existing.canaryPercent);
      const challenger = challengerChanged ? { challenger: wanted!.mode, canaryPercent: wanted!.canaryPercent } : {};
      if (before !== modelVersionId || challengerChanged || Object.keys(owner).length) {
        await tx.update(endpoints).set({ ...target, ...owner, ...challenger, updatedAt: new Date() }).where(eq(endpoints.id, existing.id));
      }
    }
    // Recorded even when the endpoint already served this version: the history then says which runs
    // confirmed it, and "one promotion per deploy step that succeeded" stays a rule without exceptions.
    await tx.insert(endpointEvents).values({
      endpointId: endpointId!,
      kind,
      slot,
      fromModelVersionId: before,
      toModelVersionId: modelVersionId,
      runId: step?.runId ?? null,
      nodeId: step?.nodeId ?? null,
      actor: step ? `run:${step.runId}` : (by as { actor: string }).actor,
    });
    // The model's alias named after the slot follows the slot.
    await moveAliasWithSlot(tx, slot, modelVersionId, step ? deployStepActor(step.runId, step.nodeId) : (by as { actor: string }).actor);
    // Serving processes drop their cached mapping on commit, so the next request gets this version.
    changed = before !== modelVersionId || challengerChanged;
    if (changed) await notifyEndpointChanged(tx, endpoint, token);
    return { promoted: true, kind, fromModelVersionId: before };
  }).catch((err: unknown) => {
    acks?.cancel();
    throw err;
  });
  if (!changed) {
    acks?.cancel();
    return outcome;
  }
  await announceEndpointChanged(endpoint);
  await acks?.all();
  return outcome;
}
