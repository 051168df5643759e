// Bad training input gets a clear message from the fitter (a FitUserError, which the train step turns into a
// non-retryable error on its node) instead of a crash, and nothing is written.
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FitUserError, fitModel, type Algorithm, type FitTask } from '../../server/infra/fitter';
import { python } from '../support/fit-check';

const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-bad-fit-'));
const db = await DuckDBInstance.create(':memory:');
afterAll(async () => {
  db.closeSync();
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function table(select: string): Promise<string> {
  const file = path.join(dir, `t${++n}.parquet`);
  const conn = await db.connect();
  try {
    await conn.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  } finally {
    conn.closeSync();
  }
  return file;
}

async function fit(
  file: string,
  opts: { algorithm?: Algorithm; task?: FitTask; target?: string; features?: string[]; params?: Record<string, unknown> },
  outDir = path.join(dir, `out${++n}`),
) {
  const result = await fitModel({
    python,
    tablePath: file,
    outDir,
    algorithm: opts.algorithm ?? 'random_forest',
    task: opts.task ?? 'auto',
    target: opts.target ?? 'y',
    features: opts.features ?? null,
    params: opts.params ?? { trees: 5 },
  });
  return { ...result, outDir };
}

async function refusal(file: string, opts: Parameters<typeof fit>[1] = {}): Promise<string> {
  const outDir = path.join(dir, `out${++n}`);
  const err = await fit(file, opts, outDir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FitUserError);
  expect(existsSync(path.join(outDir, 'model.onnx'))).toBe(false);
  return (err as Error).message;
}

// `values` closes the VALUES list and names it: "(1, 2), (3, 4)) t(a, b)".
const rows = (values: string) => `SELECT * FROM (VALUES ${values}`;

describe('bad training input', () => {
  it('an empty table', async () => {
    const file = await table(`SELECT 1.5 AS x, 'a' AS y WHERE false`);
    expect(await refusal(file)).toBe('the training table has no rows; check the steps before this one (a filter or split may remove every row)');
  });

  it('a target with one class, and a target missing in every row', async () => {
    const one = await table(`SELECT i::DOUBLE AS x, 'only' AS y FROM range(20) t(i)`);
    expect(await refusal(one, { task: 'classification' })).toBe(
      'target column "y" has a single value (\'only\') in the rows used; classification needs at least 2 classes',
    );
    const none = await table(`SELECT i::DOUBLE AS x, NULL::VARCHAR AS y FROM range(20) t(i)`);
    expect(await refusal(none)).toBe('target column "y" is missing in every row');
  });

  it('text in the numeric target of a regression', async () => {
    const file = await table(rows(`(1.0, '12'), (2.0, 'n/a'), (3.0, '14')) t(x, y)`));
    expect(await refusal(file, { algorithm: 'linear_regression', params: {} })).toBe(
      'target column "y" is text; regression needs a numeric target (it holds text: convert it with a cast step first, or choose a numeric column)',
    );
  });

  it('Infinity in a feature or the target is refused, naming the column and the row count', async () => {
    const feature = await table(rows(`(1.0, 1.0), ('inf'::DOUBLE, 2.0), ('-inf'::DOUBLE, 3.0), (4.0, 4.0)) t("size (m²)", y)`));
    expect(await refusal(feature, { task: 'regression' })).toBe(
      'feature column "size (m²)" holds Infinity or -Infinity in 2 rows; replace or filter them before training (missing values, NaN included, are imputed)',
    );
    const target = await table(rows(`(1.0, 1.0), (2.0, 'inf'::DOUBLE), (3.0, 3.0)) t(x, y)`));
    expect(await refusal(target, { task: 'regression' })).toContain('target column "y" holds Infinity or -Infinity in 1 row;');
  });

  it('NaN is a missing value: imputed in features, the row left out when it is the target', async () => {
    const file = await table(
      `SELECT CASE WHEN i % 5 = 0 THEN 'nan'::DOUBLE ELSE i END AS x, CASE WHEN i = 3 THEN 'nan'::DOUBLE ELSE i * 2.0 END AS y FROM range(40) t(i)`,
    );
    const { meta } = await fit(file, { algorithm: 'linear_regression', params: {} });
    expect(meta.rowsUsed).toBe(39);
    expect(meta.rowsDroppedMissingTarget).toBe(1);
  });

  it('a column that vanished upstream: the target or a feature is not in the table', async () => {
    const file = await table(rows(`(1.0, 'a', 'p'), (2.0, 'b', 'q')) t(x, "label (old)", z)`));
    expect(await refusal(file, { target: 'label' })).toBe('target column "label" is not in the table (columns: "x", "label (old)", "z")');
    expect(await refusal(file, { target: 'label (old)', features: ['x', 'gone'] })).toBe('feature column "gone" is not in the table');
  });

  it('more clusters than rows, fewer rows than cross-validation folds, a grid naming no hyperparameter', async () => {
    const file = await table(rows(`(1.0, 'a'), (2.0, 'b'), (3.0, 'a')) t(x, y)`));
    expect(await refusal(file, { algorithm: 'kmeans', task: 'clustering', target: '', params: { clusters: 5 } })).toBe(
      'k-means with 5 clusters needs at least as many rows; the table has 3',
    );
    expect(await refusal(file, { algorithm: 'tune', params: { algorithm: 'decision_tree', folds: 5 } })).toBe(
      '5-fold cross-validation needs at least 5 rows with a target; the table has 3',
    );
    const small = await table(`SELECT i::DOUBLE AS x, ['a', 'b', 'c'][i % 3 + 1] AS y FROM range(9) t(i)`);
    expect(await refusal(small, { algorithm: 'tune', params: { algorithm: 'decision_tree', folds: 4 } })).toBe(
      '4-fold cross-validation needs a class with at least 4 rows; the largest has 3',
    );
    expect(await refusal(small, { algorithm: 'tune', params: { algorithm: 'decision_tree', grid: 'depth = 3' } })).toBe(
      'grid: decision_tree has no hyperparameter "depth" (it has maxDepth, minSamplesLeaf)',
    );
  });
});
