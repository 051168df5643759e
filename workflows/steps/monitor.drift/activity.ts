import { saveJsonArtifact } from '../../../server/infra/artifact-store';
import { computeDrift, type DriftReport, type FeatureDrift } from '../../../server/infra/drift';
import { withBoundedDuckDb } from '../../../server/infra/duckdb';
import { DRIFT_METHOD_TITLES } from '../../core/drift';
import type { BarsVisual, LinesVisual, TableVisual } from '../../core/visual';
import { implement } from '../kit/implement';
import { tablePath } from '../kit/table-io';
import definition, { type DriftParams } from './definition';

/** Overlays drawn per run: the drifted features first, then by column order. */
const MAX_OVERLAYS = 20;
const MAX_TABLE_ROWS = 50;

const round = (v: number | null) => (v === null ? null : Number(v.toPrecision(4)));

function overlay(f: FeatureDrift, title: string): LinesVisual | BarsVisual {
  const d = f.distribution;
  if (d.kind === 'histogram') {
    const centres = d.centres ?? [];
    return {
      $visual: 'lines',
      title,
      x: f.column,
      y: 'share of rows',
      series: [
        { name: 'Reference', points: centres.map((x, i) => [x, d.reference[i]!]) },
        { name: 'Current', points: centres.map((x, i) => [x, d.current[i]!]) },
      ],
    };
  }
  return {
    $visual: 'bars',
    title,
    series: ['Reference', 'Current'],
    items: d.labels.map((label, i) => ({ label, value: d.reference[i]!, values: [d.reference[i]!, d.current[i]!] })),
  };
}

function featureTable(features: FeatureDrift[], title: string): TableVisual {
  return {
    $visual: 'table',
    title,
    columns: ['Feature', 'Type', 'Method', 'Score', 'Threshold', 'Drifted', 'Nulls (reference)', 'Nulls (current)'],
    rows: features
      .slice(0, MAX_TABLE_ROWS)
      .map((f) => [f.column, f.type, DRIFT_METHOD_TITLES[f.method], round(f.score), f.threshold, f.drifted, f.referenceNulls, f.currentNulls]),
  };
}

function options(params: DriftParams) {
  const thresholds = {
    ...(params.numericThreshold !== undefined ? { [params.numericMethod]: params.numericThreshold } : {}),
    ...(params.categoricalThreshold !== undefined ? { [params.categoricalMethod]: params.categoricalThreshold } : {}),
  };
  return { numericMethod: params.numericMethod, categoricalMethod: params.categoricalMethod, thresholds, bins: params.bins, driftShare: params.driftShare };
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const reference = { parquet: await tablePath(inputs.reference) };
  const current = { parquet: await tablePath(inputs.current) };
  // On the memory-bounded DuckDB instance: inputs of any size spill to disk rather than grow the worker.
  // Two connections: features are computed two at a time.
  const { report, prediction } = await withBoundedDuckDb((first) =>
    withBoundedDuckDb(async (second) => {
      const conn = [first, second];
      const exclude = [...(params.exclude ?? []), ...(params.prediction ? [params.prediction] : [])];
      const features = params.columns?.filter((c) => !exclude.includes(c));
      const report: DriftReport = await computeDrift(conn, reference, current, { ...options(params), columns: features, exclude });
      ctx.progress(`${report.driftedFeatures} of ${report.features.length} features drifted`);
      const prediction = params.prediction
        ? (await computeDrift(conn, reference, current, { ...options(params), columns: [params.prediction] })).features[0]
        : undefined;
      return { report, prediction };
    }),
  );

  const metrics = {
    drift_share: report.driftShare,
    drifted_features: report.driftedFeatures,
    features: report.features.length,
    dataset_drift: report.datasetDrift ? 1 : 0,
    ...(prediction ? { prediction_drift: prediction.drifted ? 1 : 0, prediction_drift_score: prediction.score } : {}),
  };
  const full = { ...report, ...(prediction ? { prediction } : {}) };
  const storedReport = await saveJsonArtifact(full, 'report', ctx.scratchDir);
  const storedMetrics = await saveJsonArtifact(metrics, 'metrics', ctx.scratchDir);
  // What a later step (an alert, a gate) needs without opening the file: the verdicts per feature.
  const verdicts = report.features.map((f) => ({ column: f.column, method: f.method, score: f.score, threshold: f.threshold, drifted: f.drifted }));

  const ordered = [...report.features].sort((a, b) => Number(b.drifted) - Number(a.drifted));
  const overlays = Object.fromEntries(
    ordered.slice(0, MAX_OVERLAYS).map((f, i) => [`distribution${i + 1}`, overlay(f, `${f.column}: reference vs current${f.drifted ? ' (drifted)' : ''}`)]),
  );
  return {
    outputs: {
      report: {
        kind: 'report',
        hash: storedReport.hash,
        meta: { datasetDrift: report.datasetDrift, driftShare: report.driftShare, driftedFeatures: report.driftedFeatures, features: verdicts, ...(prediction ? { prediction: { column: prediction.column, method: prediction.method, score: prediction.score, drifted: prediction.drifted } } : {}) },
      },
      metrics: { kind: 'metrics', hash: storedMetrics.hash, meta: metrics },
    },
    summary: {
      datasetDrift: report.datasetDrift,
      driftedFeatures: report.driftedFeatures,
      features: report.features.length,
      driftShare: Number(report.driftShare.toFixed(4)),
      referenceRows: report.referenceRows,
      currentRows: report.currentRows,
      numericMethod: DRIFT_METHOD_TITLES[report.settings.numericMethod],
      categoricalMethod: DRIFT_METHOD_TITLES[report.settings.categoricalMethod],
      drift: featureTable(ordered, `Drift per feature: ${report.driftedFeatures} of ${report.features.length} drifted`),
      ...(prediction ? { predictionDrift: featureTable([prediction], 'Prediction drift'), predictionDistribution: overlay(prediction, `${prediction.column} (prediction): reference vs current`) } : {}),
      ...overlays,
    },
  };
});
