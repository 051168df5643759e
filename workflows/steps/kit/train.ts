import fs from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { artifactStore, MEDIA_TYPES } from '../../../server/infra/artifact-store';
import { config } from '../../../server/infra/config';
import { datasetVersionsUpstreamOf } from '../../../server/infra/dataset-registry';
import { fitSpec, readFitOutcome, type ModelMeta } from '../../../server/infra/fitter';
import { modelVersionOfStep, registerModelVersion, type ModelVersionRef } from '../../../server/infra/model-registry';
import { transformChainOf } from '../../core/transforms';
import type { ArtifactRef, FitRequest, StepInput } from '../../core/plan';
import { catalog } from '../catalog';
import { hyperparameterNames, type FitStepDefinition } from '../shared/fit-step';
import { implement, inStep } from './implement';
import { StepInputError } from './step-error';
import { tablePath } from './table-io';

// A train step runs in three activities (workflows/engine/pipeline.ts): prepareFit here (Node: status,
// validation, the fit spec), "fitModel" in the Python fit worker (workflows/ml/worker.py) on the fit
// queue, then the step's own activity, fitActivity (Node: model artifact, model registry, lineage).

function fitDefinition(type: string): FitStepDefinition {
  const def = catalog[type];
  if (!def || !('fit' in def)) throw ApplicationFailure.nonRetryable(`"${type}" is not a train step`, 'StepInputError');
  return def as FitStepDefinition;
}

/** Where the fit worker writes a step's model: under the data folder, which every worker sees. */
function fitOutDir(input: StepInput): string {
  return path.join(config().tmpDir, 'fit', input.runId, input.nodeId);
}

/** The first half of a train step: marks it running, validates it and says what the fit worker fits. */
export async function prepareFit(input: StepInput): Promise<FitRequest> {
  const def = fitDefinition(input.type);
  return inStep(def, input, async ({ params, inputs, ctx }) => {
    const p = params as Record<string, unknown> & { target?: string; features?: string[] };
    const outDir = fitOutDir(input);
    await fs.rm(outDir, { recursive: true, force: true });
    const request = fitSpec({
      tablePath: await tablePath(inputs.table),
      outDir,
      algorithm: def.fit.algorithm,
      task: def.fit.task(params),
      target: p.target ?? '', // k-means has none
      features: p.features ?? null,
      params: Object.fromEntries(hyperparameterNames(def).filter((k) => p[k] !== undefined).map((k) => [k, p[k]])),
      label: `${input.pipeline}/${input.runId.slice(0, 8)}/${input.nodeId}`,
    });
    const rows = inputs.table.meta?.rows;
    const columns = inputs.table.meta?.columns;
    const size = typeof rows === 'number' ? ` on ${rows} rows${Array.isArray(columns) ? ` × ${columns.length} columns` : ''}` : '';
    const what = `${p.target ? ` predicting "${p.target}"` : ''}${request.task === 'auto' ? '' : ` (${request.task})`}`;
    ctx.progress(`fit started: ${def.fit.algorithm}${what}${size}, on the fit queue`);
    return request;
  });
}

/**
 * Puts the fit's model file into the store (its bytes; the artifact row is written with the model
 * version). The fit's file stays where it is until success, so a retry of this half finds the model again;
 * a second name for it (a hard link) is moved into the store instead of copying the bytes (a forest is tens
 * of MB). The fit worker replaces model.onnx by rename, never rewrites it in place, so the stored bytes
 * cannot change.
 */
async function storeModelFile(onnxPath: string) {
  const staged = `${onnxPath}.store`;
  await fs.rm(staged, { force: true });
  const linked = await fs.link(onnxPath, staged).then(
    () => true,
    () => false, // e.g. a file system without hard links: copy instead
  );
  return artifactStore().putFile(linked ? staged : onnxPath, { move: linked });
}

/** Registers the stored model file as a model version of the step's run. */
async function register(
  fitted: Awaited<ReturnType<typeof readFitOutcome>>,
  stored: { hash: string; sizeBytes: number },
  trainingData: ModelMeta['trainingData'],
  table: ArtifactRef,
  ctx: { runId: string; nodeId: string; pipeline: string },
) {
  const meta: ModelMeta = { ...fitted.meta, trainingData };
  // Registered after the fit, export and store succeeded, so those failing leave no model version behind; a version
  // whose step still fails afterwards is not listed (server/services/models.ts) and, being no step output, cannot be deployed.
  const registered = await registerModelVersion({
    pipeline: ctx.pipeline,
    runId: ctx.runId,
    nodeId: ctx.nodeId,
    artifact: {
      hash: stored.hash,
      kind: 'model',
      mediaType: MEDIA_TYPES.model,
      sizeBytes: stored.sizeBytes,
      meta: { task: fitted.meta.task, algorithm: fitted.meta.algorithm, target: fitted.meta.target },
    },
    trainingArtifactHash: table.hash!,
    meta,
    // What the endpoint applies to raw rows before scoring (see workflows/core/transforms.ts).
    transforms: transformChainOf(table.meta),
  });
  return { hash: stored.hash, meta, registered };
}

/** A train step's activity: stores the model the fit worker made and registers a model version. Its definition says which algorithm. */
export function fitActivity(def: FitStepDefinition) {
  return implement(def, async ({ inputs, ctx }) => {
    if (!ctx.fitted) {
      throw new StepInputError('This run started before train steps fitted in the fit worker; run the pipeline again.');
    }
    const table = inputs.table;
    // Independent, at once: a version this step already registered (a retry of this half after the version
    // was registered, e.g. its worker died just after, reuses that version and its stored file: one model
    // version per run and train step, whatever the fit made again), the fit's answer, the dataset versions
    // upstream of the training table (lineage), and the model file into the store.
    // (The fit's files may be gone when the version was registered: only then is a failed read no error.)
    const settle = <T>(p: Promise<T>) =>
      p.then(
        (value) => ({ value, error: undefined }),
        (error: unknown) => ({ value: undefined, error }),
      );
    const [previous, fit, trainingData, file] = await Promise.all([
      modelVersionOfStep(ctx.runId, ctx.nodeId),
      settle(readFitOutcome(ctx.fitted)),
      datasetVersionsUpstreamOf(ctx.runId, table.hash!),
      settle(storeModelFile(String(ctx.fitted.onnxPath))),
    ]);
    let model: { hash: string; meta: ModelMeta; registered: ModelVersionRef };
    if (previous) {
      // Bytes this attempt just added to the store for nothing (a refit's file) go again.
      if (file.value?.created && file.value.hash !== previous.artifactHash) await artifactStore().remove(file.value.hash);
      model = {
        hash: previous.artifactHash,
        meta: previous.meta,
        registered: { modelVersionId: previous.id, model: previous.model, version: previous.version },
      };
    } else {
      if (!fit.value) throw fit.error;
      if (!file.value) throw file.error;
      model = await register(fit.value, file.value, trainingData, table, ctx);
    }
    const { hash, meta, registered } = model;
    ctx.progress(
      `fit finished in ${ctx.fitted.seconds.toFixed(2)} s (attempt ${ctx.fitted.attempt}): ${meta.rowsUsed} rows, ${meta.features.length} features → ` +
        `model ${registered.model} v${registered.version}${previous ? ' (registered by an earlier attempt)' : ''}`,
    );
    // The fit's folder is no longer needed; the run's end removes its run's fit folders anyway
    // (bookkeeping.ts), so the step does not wait for this.
    const outDir = ctx.fitted.outDir;
    void fs
      .rm(outDir, { recursive: true, force: true })
      .then(() => fs.rmdir(path.dirname(outDir))) // the run's folder, once its last fit is stored
      .catch(() => {});
    return {
      outputs: { model: { kind: 'model', hash, meta: { ...registered, task: meta.task, target: meta.target } } },
      summary: {
        task: meta.task,
        algorithm: meta.algorithm,
        model: registered.model,
        modelVersion: registered.version,
        target: meta.target || undefined,
        trainingData: meta.trainingData?.length ? meta.trainingData.map((d) => `${d.dataset} v${d.version}`).join(', ') : undefined,
        features: meta.features.length,
        rowsUsed: meta.rowsUsed,
        rowsDroppedMissingTarget: meta.task === 'clustering' ? undefined : meta.rowsDroppedMissingTarget,
        classes: meta.classes ?? undefined,
        clusters: meta.clusters,
        params: meta.params,
        fitSeconds: meta.fitSeconds,
        exportSeconds: meta.exportSeconds,
        trainingSeconds: Math.round(ctx.fitted.seconds * 100) / 100,
        ...importanceVisual(meta),
        ...tuningVisuals(meta),
      },
    };
  });
}

const MAX_ROWS = 50;

function importanceVisual(meta: ModelMeta) {
  if (!meta.importances?.length) return {};
  return {
    importanceChart: {
      $visual: 'bars',
      title: 'Feature importance',
      items: meta.importances.slice(0, 20).map((f) => ({ label: f.feature, value: Math.round(f.importance * 10000) / 10000 })),
    },
  };
}

/** A tuned model's trials as a table (best first, at most 50) and its cross-validated score per trial as a chart. */
export function tuningVisuals(meta: ModelMeta) {
  const t = meta.tuning;
  if (!t) return {};
  const names = [...new Set(t.trials.flatMap((x) => Object.keys(x.params)))];
  const ranked = [...t.trials].sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || a.trial - b.trial);
  const cell = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'number' || typeof v === 'boolean' ? v : String(v));
  let best = -Infinity;
  const scored = t.trials.filter((x): x is typeof x & { score: number } => x.score !== null);
  const bestSoFar = scored.map((x) => {
    best = Math.max(best, x.score);
    return [x.trial, best] as [number, number];
  });
  return {
    tuning: { algorithm: t.algorithm, search: t.search, folds: t.folds, metric: t.metric, bestTrial: t.best, bestScore: t.bestScore, trials: t.trials.length },
    trialsTable: {
      $visual: 'table',
      title: ranked.length > MAX_ROWS ? `Best ${MAX_ROWS} of ${ranked.length} trials (${t.folds}-fold ${t.metric})` : `Trials (${t.folds}-fold ${t.metric})`,
      columns: ['trial', ...names, `mean ${t.metric}`, 'std', 'fit seconds / fold'],
      rows: ranked.slice(0, MAX_ROWS).map((x) => [x.trial, ...names.map((n) => cell(x.params[n])), x.score, x.std, x.fitSeconds]),
    },
    trialsChart: {
      $visual: 'lines',
      title: `Cross-validated ${t.metric} per trial`,
      x: 'trial',
      y: t.metric,
      series: [
        { name: `mean ${t.metric}`, points: scored.slice(0, 500).map((x) => [x.trial, x.score] as [number, number]) },
        { name: 'best so far', points: bestSoFar.slice(0, 500) },
      ],
    },
  };
}
