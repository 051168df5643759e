import { z } from 'zod';
import { artifactStore } from '../../../server/infra/artifact-store';
import { quoteIdent, quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { modelMetaSchema, type ModelMeta } from '../../../server/infra/fitter';
import { getModelVersion } from '../../../server/infra/model-registry';
import { loadModel, releaseModel, scoreColumns, ScoreInputError, type ScoreResult } from '../../../server/infra/scorer';
import type { ArtifactRef } from '../../core/plan';
import {
  classificationMetrics,
  probabilityMetrics,
  regressionMetrics,
  silhouette,
  thin,
  type Metrics,
} from './metrics';
import type { StepContext } from './implement';
import { StepInputError } from './step-error';
import { requireColumn, tableColumns, tablePath } from './table-io';
import type { BarsVisual, LinesVisual, ScatterVisual, TableVisual } from '../../core/visual';

// Scoring a model on a table and turning the result into metrics and pictures: shared by
// validate.evaluate (one model) and validate.compare (several).

/** Model metadata as evaluation reads it: clustering models have no target. */
export const evaluatedMetaSchema = modelMetaSchema.extend({
  task: z.enum(['classification', 'regression', 'clustering']),
  algorithm: z.string(),
  target: z.string().nullish(),
});
export type EvaluatedMeta = z.infer<typeof evaluatedMetaSchema>;

/** Rows the silhouette looks at, at most: it is quadratic in the rows. */
export const SILHOUETTE_ROWS = 2000;
const CURVE_POINTS = 500;
const SCATTER_POINTS = 500;

export interface Scored {
  meta: EvaluatedMeta;
  /** The true target per row (classification: as text); empty for clustering. */
  truth: (string | number)[];
  scored: ScoreResult;
  /** Numeric feature columns, for the silhouette. */
  columns: Record<string, unknown[]>;
}

export interface Evaluation {
  metrics: Metrics;
  visuals: Record<string, TableVisual | LinesVisual | ScatterVisual | BarsVisual>;
}

export async function modelVersionOf(ref: ArtifactRef) {
  const id = String(ref.meta?.modelVersionId ?? '');
  if (!id) throw new StepInputError('The model input carries no model version (connect the model output of a train step)');
  const version = await getModelVersion(id);
  const parsed = evaluatedMetaSchema.safeParse(version.meta);
  if (!parsed.success) throw new StepInputError(`Model ${version.model} v${version.version} has metadata this step cannot read`);
  return { version, meta: parsed.data };
}

/** Scores every row of the table that has a target value (every row, for clustering) with the model. */
export async function scoreTable(model: ArtifactRef, table: ArtifactRef, ctx: Pick<StepContext, 'progress'>, meta: EvaluatedMeta): Promise<Scored> {
  const file = await tablePath(table);
  const target = meta.task === 'clustering' ? undefined : meta.target ?? undefined;
  if (meta.task !== 'clustering' && !target) throw new StepInputError('The model records no target column');
  const columns = await withDuckDb(async (conn) => {
    const names = await tableColumns(conn, file);
    if (target) requireColumn(names, target, 'Target');
    for (const f of meta.features) requireColumn(names, f.name, 'Feature');
    const select = [...(target ? [target] : []), ...meta.features.map((f) => f.name)].map(quoteIdent).join(', ');
    const where = target ? `WHERE ${quoteIdent(target)} IS NOT NULL` : '';
    const r = await conn.runAndReadAll(`SELECT ${select} FROM read_parquet(${quoteLiteral(file)}) ${where}`);
    return r.getColumnsObjectJS() as Record<string, unknown[]>;
  });
  const rows = (target ? columns[target] : columns[meta.features[0]!.name])?.length ?? 0;
  if (rows === 0) {
    throw new StepInputError(target ? `The table has no rows with a value for "${target}"` : 'The table has no rows');
  }
  ctx.progress(`scoring ${rows} rows`);
  const loaded = await loadModel(await artifactStore().localPath(model.hash!), meta as unknown as ModelMeta);
  try {
    const scored = await scoreColumns(loaded, columns).catch((err) => {
      if (err instanceof ScoreInputError) throw new StepInputError(err.message);
      throw err;
    });
    const truth = target ? columns[target]!.map((v) => (meta.task === 'classification' ? String(v) : Number(v))) : [];
    return { meta, truth, scored, columns };
  } finally {
    await releaseModel(loaded);
  }
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** Metrics and pictures from scored rows. Pure. */
export function evaluate({ meta, truth, scored, columns }: Scored): Evaluation {
  if (meta.task === 'classification') {
    const classes = meta.classes ?? [];
    const base = classificationMetrics(truth.map(String), scored.predictions.map(String), classes);
    const visuals: Evaluation['visuals'] = {
      perClass: {
        $visual: 'table',
        title: 'Per class',
        columns: ['Class', 'Precision', 'Recall', 'F1', 'Support'],
        rows: base.per_class.slice(0, 50).map((c) => [c.label, round(c.precision), round(c.recall), round(c.f1), c.support]),
      },
    };
    if (!scored.probabilities || classes.length < 2) return { metrics: base, visuals };
    const matrix = scored.probabilities.map((p) => classes.map((c) => p[c] ?? 0));
    const prob = probabilityMetrics(truth.map(String), matrix, classes);
    const perSeries = Math.max(2, Math.floor(CURVE_POINTS / Math.max(1, prob.roc.length)));
    const lines = (title: string, x: string, y: string, curves: typeof prob.roc): LinesVisual => ({
      $visual: 'lines',
      title,
      x,
      y,
      series: curves.map((c) => ({ name: c.name, points: thin(c.points, perSeries).map(([a, b]) => [round(a), round(b)]) })),
    });
    if (prob.roc.length) visuals.roc = lines('ROC curve', 'False positive rate', 'True positive rate', prob.roc);
    if (prob.pr.length) visuals.pr = lines('Precision–recall curve', 'Recall', 'Precision', prob.pr);
    const metrics: Metrics = {
      ...base,
      log_loss: prob.log_loss,
      ...(prob.roc_auc !== undefined ? { roc_auc: prob.roc_auc } : {}),
      ...(prob.average_precision !== undefined ? { average_precision: prob.average_precision } : {}),
    };
    return { metrics, visuals };
  }
  if (meta.task === 'regression') {
    const t = truth.map(Number);
    const p = scored.predictions.map(Number);
    const metrics = regressionMetrics(t, p);
    const idx = thin(
      t.map((_, i) => i),
      SCATTER_POINTS,
    );
    const visuals: Evaluation['visuals'] = {
      residuals: {
        $visual: 'scatter',
        title: `Residuals (${idx.length} of ${t.length} rows)`,
        x: 'Predicted',
        y: 'Actual − predicted',
        points: idx.map((i) => [round(p[i]!), round(t[i]! - p[i]!)]),
      },
    };
    return { metrics, visuals };
  }
  return clusteringEvaluation(meta, scored, columns);
}

/**
 * The silhouette is computed on the model's number features, each imputed with its mean and then
 * standardised, on at most SILHOUETTE_ROWS evenly spaced rows: the distance k-means minimises on scaled data.
 */
function clusteringEvaluation(meta: EvaluatedMeta, scored: ScoreResult, columns: Record<string, unknown[]>): Evaluation {
  const labels = scored.predictions.map((v) => String(v));
  const n = labels.length;
  const numeric = meta.features.filter((f) => f.type === 'number').map((f) => f.name);
  if (numeric.length === 0) throw new StepInputError('The silhouette needs at least one number feature');
  const rows = thin(
    labels.map((_, i) => i),
    SILHOUETTE_ROWS,
  );
  const standardised = numeric.map((name) => {
    const values = rows.map((i) => {
      const v = columns[name]![i];
      return v === null || v === undefined ? NaN : Number(v);
    });
    const finite = values.filter(Number.isFinite);
    const mean = finite.reduce((a, b) => a + b, 0) / (finite.length || 1);
    // Imputed, then scaled (as SimpleImputer → StandardScaler): the imputed rows count in the spread.
    const sd = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length || 1)) || 1;
    return values.map((v) => (Number.isFinite(v) ? (v - mean) / sd : 0));
  });
  const points = rows.map((_, r) => standardised.map((col) => col[r]!));
  const sampleLabels = rows.map((i) => labels[i]!);
  const clusters = new Set(sampleLabels).size;
  if (clusters < 2 || clusters > points.length - 1) {
    throw new StepInputError(`The model put the ${n} rows in ${new Set(labels).size} cluster(s): the silhouette needs at least 2 and fewer than the rows`);
  }
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const sizes = [...counts.entries()].sort((a, b) => Number(a[0]) - Number(b[0]) || a[0].localeCompare(b[0])).map(([cluster, rowsIn]) => ({ cluster, rows: rowsIn }));
  const metrics: Metrics = {
    task: 'clustering',
    rows: n,
    clusters: counts.size,
    silhouette: silhouette(points, sampleLabels),
    silhouetteRows: points.length,
    sizes,
  };
  return {
    metrics,
    visuals: { clusterSizes: { $visual: 'bars', title: 'Rows per cluster', items: sizes.slice(0, 50).map((s) => ({ label: `Cluster ${s.cluster}`, value: s.rows })) } },
  };
}
