import { saveArtifact } from '../../../server/infra/artifact-store';
import { config } from '../../../server/infra/config';
import { datasetVersionsUpstreamOf } from '../../../server/infra/dataset-registry';
import { FitUserError, fitModel, type ModelMeta } from '../../../server/infra/fitter';
import { registerModelVersion } from '../../../server/infra/model-registry';
import { pythonExecutable } from '../../../server/infra/python-paths';
import { hyperparameterNames, type FitStepDefinition } from '../shared/fit-step';
import { implement } from './implement';
import { StepInputError } from './step-error';
import { tablePath } from './table-io';

/** A train step's activity: fit in Python, export ONNX, register a model version. Its definition says which algorithm. */
export function fitActivity(def: FitStepDefinition) {
  const hyper = hyperparameterNames(def);
  return implement(def, async ({ params, inputs, ctx }) => {
    const p = params as Record<string, unknown> & { target?: string; features?: string[] };
    const table = inputs.table;
    const started = Date.now();
    const fitted = await fitModel({
      python: pythonExecutable(config().pythonVenv),
      tablePath: await tablePath(table),
      outDir: ctx.scratchDir,
      algorithm: def.fit.algorithm,
      task: def.fit.task(params),
      target: p.target ?? '',
      features: p.features ?? null,
      params: Object.fromEntries(hyper.filter((k) => p[k] !== undefined).map((k) => [k, p[k]])),
      onProgress: (m) => ctx.progress(m),
      signal: ctx.signal,
    }).catch((err) => {
      if (err instanceof FitUserError) throw new StepInputError(err.message);
      throw err;
    });
    const trainingData = await datasetVersionsUpstreamOf(table.hash!);
    const meta: ModelMeta = { ...fitted.meta, trainingData };
    const stored = await saveArtifact(fitted.onnxPath, 'model', { task: meta.task, algorithm: meta.algorithm, target: meta.target });
    // Registered last, so a fit, export or store that fails leaves no model version behind; a version whose step
    // still fails afterwards is not listed (server/services/models.ts) and, being no step output, cannot be deployed.
    const registered = await registerModelVersion({
      pipeline: ctx.pipeline,
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      artifactHash: stored.hash,
      trainingArtifactHash: table.hash!,
      meta,
    });
    return {
      outputs: { model: { kind: 'model', hash: stored.hash, meta: { ...registered, task: meta.task, target: meta.target } } },
      summary: {
        task: meta.task,
        algorithm: meta.algorithm,
        model: registered.model,
        modelVersion: registered.version,
        target: meta.target || undefined,
        trainingData: trainingData.length ? trainingData.map((d) => `${d.dataset} v${d.version}`).join(', ') : undefined,
        features: meta.features.length,
        rowsUsed: meta.rowsUsed,
        rowsDroppedMissingTarget: meta.task === 'clustering' ? undefined : meta.rowsDroppedMissingTarget,
        classes: meta.classes ?? undefined,
        clusters: meta.clusters,
        params: meta.params,
        fitSeconds: meta.fitSeconds,
        exportSeconds: meta.exportSeconds,
        trainingSeconds: Math.round((Date.now() - started) / 100) / 10,
        topFeatures: meta.importances?.slice(0, 5),
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
