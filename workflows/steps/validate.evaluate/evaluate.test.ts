import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EXIT_AT_ONCE } from '../../../test/support/pandas';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { fitModel, type Algorithm } from '../../../server/infra/fitter';
import { pythonExecutable } from '../../../server/infra/python-paths';
import { loadModel, releaseModel, scoreColumns } from '../../../server/infra/scorer';
import { evaluate, evaluatedMetaSchema } from '../kit/evaluation';
import definition from './definition';

// Real models fitted by the Python fitter, scored by onnxruntime in Node, evaluated by the step's code;
// the references are scikit-learn's metric functions on scikit-learn's own predictions of the same rows.
const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));
const PENGUINS = path.resolve('node_modules/vega-datasets/data/penguins.json');
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-evaluate-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

function sklearn(code: string, input: unknown): any {
  const script = `import json, sys\nimport numpy as np\nfrom sklearn import metrics as m\nd = json.load(sys.stdin)\n${code}\n${EXIT_AT_ONCE}`;
  return JSON.parse(execFileSync(python, ['-c', script], { input: JSON.stringify(input) }).toString());
}

/** Fits on the table's rows with a target, scores the same rows in Node, and evaluates them. */
async function fitScoreEvaluate(name: string, algorithm: Algorithm, target: string, where = `"${target}" IS NOT NULL`) {
  const table = path.join(dir, `${name}.parquet`);
  await withDuckDb((conn) =>
    conn.run(`COPY (SELECT * FROM read_json_auto(${quoteLiteral(PENGUINS)}) WHERE ${where}) TO ${quoteLiteral(table)} (FORMAT parquet)`),
  );
  const outDir = path.join(dir, name);
  const fitted = await fitModel({ python, tablePath: table, outDir, algorithm, task: 'auto', target, params: {}, checkRows: 100_000 });
  const check = JSON.parse(await fs.readFile(path.join(outDir, 'check.json'), 'utf8'));
  const meta = evaluatedMetaSchema.parse(fitted.meta);
  const columns = await withDuckDb(async (conn) =>
    (await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(table)})`)).getColumnsObjectJS() as Record<string, unknown[]>,
  );
  const model = await loadModel(fitted.onnxPath, fitted.meta);
  try {
    const scored = await scoreColumns(model, columns);
    const truth = columns[target]!.map((v) => (meta.task === 'classification' ? String(v) : Number(v)));
    expect(check.rows).toEqual(truth.map((_, i) => i));
    return { meta, truth, check, ...evaluate({ meta, truth, scored, columns }) };
  } finally {
    await releaseModel(model);
  }
}

describe('validate.evaluate', () => {
  it('takes a model and a table, and no parameters', () => {
    expect(Object.values(definition.inputs).map((p) => p.type).sort()).toEqual(['model', 'table']);
    expect(definition.params.safeParse({}).success).toBe(true);
    expect(definition.params.safeParse({ threshold: 0.5 }).success).toBe(false);
  });

  // ONNX computes in float32: probability-based metrics agree with scikit-learn's to 1e-4.
  it('binary classification: per-class numbers, ROC AUC, average precision, log loss and curves match scikit-learn', async () => {
    const r = await fitScoreEvaluate('sex', 'logistic_regression', 'Sex', `"Sex" IN ('MALE', 'FEMALE')`);
    expect(r.meta.classes).toEqual(['FEMALE', 'MALE']);
    const ref = sklearn(
      `y = d['t']; P = np.array(d['p']); pred = d['pred']\n` +
        `p, rc, f, s = m.precision_recall_fscore_support(y, pred, labels=d['c'], zero_division=0)\n` +
        `print(json.dumps({'acc': m.accuracy_score(y, pred), 'f1': m.f1_score(y, pred, average='macro'), 'p': p.tolist(), 'r': rc.tolist(), 'f': f.tolist(), 's': s.tolist(), ` +
        `'auc': m.roc_auc_score([t == 'MALE' for t in y], P[:, 1]), 'ap': m.average_precision_score([t == 'MALE' for t in y], P[:, 1]), 'll': m.log_loss(y, P, labels=d['c'])}))`,
      { t: r.truth, p: r.check.probabilities, pred: r.check.predictions, c: r.meta.classes },
    );
    const metrics = r.metrics as Extract<typeof r.metrics, { task: 'classification' }>;
    expect(metrics.accuracy).toBeCloseTo(ref.acc, 12);
    expect(metrics.f1_macro).toBeCloseTo(ref.f1, 12);
    metrics.per_class.forEach((c, k) => {
      expect(c.label).toBe(r.meta.classes![k]);
      expect(c.precision).toBeCloseTo(ref.p[k], 12);
      expect(c.recall).toBeCloseTo(ref.r[k], 12);
      expect(c.f1).toBeCloseTo(ref.f[k], 12);
      expect(c.support).toBe(ref.s[k]);
    });
    expect(Math.abs(metrics.roc_auc! - ref.auc)).toBeLessThan(1e-4);
    expect(Math.abs(metrics.average_precision! - ref.ap)).toBeLessThan(1e-4);
    expect(Math.abs(metrics.log_loss! - ref.ll)).toBeLessThan(1e-4);
    const roc = r.visuals.roc as { $visual: string; series: { name: string; points: [number, number][] }[] };
    expect(roc.$visual).toBe('lines');
    expect(roc.series.map((s) => s.name)).toEqual(['MALE']);
    expect(roc.series[0]!.points[0]).toEqual([0, 0]);
    expect(roc.series[0]!.points.at(-1)).toEqual([1, 1]);
    expect(roc.series[0]!.points.length).toBeLessThanOrEqual(500);
    expect(r.visuals.pr).toMatchObject({ $visual: 'lines', x: 'Recall', y: 'Precision' });
    expect(r.visuals.perClass).toMatchObject({ $visual: 'table', columns: ['Class', 'Precision', 'Recall', 'F1', 'Support'] });
  }, 120_000);

  it('multiclass classification: one-vs-rest macro ROC AUC and log loss match scikit-learn, a curve per class', async () => {
    const r = await fitScoreEvaluate('species', 'logistic_regression', 'Species');
    const ref = sklearn(
      `P = np.array(d['p'])\nprint(json.dumps({'auc': m.roc_auc_score(d['t'], P, multi_class='ovr', labels=d['c']), 'll': m.log_loss(d['t'], P, labels=d['c'])}))`,
      { t: r.truth, p: r.check.probabilities, c: r.meta.classes },
    );
    const metrics = r.metrics as Extract<typeof r.metrics, { task: 'classification' }>;
    expect(Math.abs(metrics.roc_auc! - ref.auc)).toBeLessThan(1e-4);
    expect(Math.abs(metrics.log_loss! - ref.ll)).toBeLessThan(1e-4);
    expect((r.visuals.roc as { series: { name: string }[] }).series.map((s) => s.name)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  }, 120_000);

  it('regression: RMSE, MAE, R² and MAPE match scikit-learn; the residual plot is sampled to 500 points', async () => {
    const r = await fitScoreEvaluate('mass', 'linear_regression', 'Body Mass (g)');
    const ref = sklearn(
      `t, p = d['t'], d['p']\nprint(json.dumps({'rmse': m.mean_squared_error(t, p) ** 0.5, 'mae': m.mean_absolute_error(t, p), 'r2': m.r2_score(t, p), 'mape': m.mean_absolute_percentage_error(t, p)}))`,
      { t: r.truth, p: r.check.predictions },
    );
    const metrics = r.metrics as Extract<typeof r.metrics, { task: 'regression' }>;
    // float32 predictions of values near 4,000 g: relative 1e-5.
    for (const k of ['rmse', 'mae', 'r2', 'mape'] as const) expect(Math.abs(metrics[k] - ref[k]) / Math.max(1, Math.abs(ref[k]))).toBeLessThan(1e-5);
    const residuals = r.visuals.residuals as { $visual: string; points: [number, number][] };
    expect(residuals.$visual).toBe('scatter');
    expect(residuals.points.length).toBe(Math.min(500, r.truth.length));
    const [pred, resid] = residuals.points[0]!;
    expect(resid).toBeCloseTo((r.truth[0] as number) - pred, 0);
  }, 120_000);

  it('clustering: the silhouette on standardised number features matches scikit-learn, with a missing value', () => {
    const n = 300;
    const x = Array.from({ length: n }, (_, i) => (i % 3) * 10 + Math.sin(i) * 3);
    const y = Array.from({ length: n }, (_, i) => ((i % 3) * 500 + Math.cos(i * 7) * 200) as number | null);
    y[5] = null;
    const labels = x.map((_, i) => i % 3);
    const meta = evaluatedMetaSchema.parse({
      task: 'clustering',
      algorithm: 'kmeans',
      target: null,
      features: [
        { name: 'x (cm)', input: 'f0', type: 'number' },
        { name: 'y "w"', input: 'f1', type: 'number' },
        { name: 'island', input: 'f2', type: 'string' },
      ],
      classes: null,
      outputs: { label: 'label', probabilities: null },
      rowsUsed: n,
      rowsDroppedMissingTarget: 0,
      importances: null,
      params: {},
      library: { sklearn: '1', skl2onnx: '1' },
    });
    const { metrics, visuals } = evaluate({
      meta,
      truth: [],
      scored: { predictions: labels },
      columns: { 'x (cm)': x, 'y "w"': y, island: x.map(() => 'Dream') },
    });
    const ref = sklearn(
      `from sklearn.preprocessing import StandardScaler\nX = np.array([[a, np.nan if b is None else b] for a, b in zip(d['x'], d['y'])])\n` +
        `X[np.isnan(X[:, 1]), 1] = np.nanmean(X[:, 1])\nprint(json.dumps(m.silhouette_score(StandardScaler().fit_transform(X), d['l'])))`,
      { x, y, l: labels },
    );
    expect(metrics).toMatchObject({ task: 'clustering', rows: n, clusters: 3, silhouetteRows: n });
    expect((metrics as { silhouette: number }).silhouette).toBeCloseTo(ref, 10);
    expect(visuals.clusterSizes).toEqual({
      $visual: 'bars',
      title: 'Rows per cluster',
      items: [0, 1, 2].map((c) => ({ label: `Cluster ${c}`, value: 100 })),
    });
  });
});
