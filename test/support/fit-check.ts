// Fits a model the way a train step does (workflows/ml/fit.py → ONNX, scored in Node by onnxruntime-node)
// and the same model with scikit-learn / LightGBM directly (test/support/fit_reference.py), on the same
// train/test split of a vega-datasets sample, so tests and docs/results.md can compare the two.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { quoteIdent, quoteLiteral } from '../../server/infra/duckdb';
import { fitModel, type Algorithm, type FitTask, type ModelMeta } from '../../server/infra/fitter';
import { pythonExecutable } from '../../server/infra/python-paths';
import { loadModel, releaseModel, scoreColumns } from '../../server/infra/scorer';

export const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));
const referenceScript = path.resolve('test/support/fit_reference.py');

// A DuckDB of its own: the tests read the samples from node_modules, which steps' DuckDB need not allow.
let duck: Promise<DuckDBInstance> | undefined;
async function withDuckDb<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  duck ??= DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await (await duck).connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
  }
}

export type Sample = 'penguins' | 'cars' | 'seattle-weather';

const sources: Record<Sample, string> = {
  penguins: "read_json_auto('node_modules/vega-datasets/data/penguins.json')",
  cars: "read_json_auto('node_modules/vega-datasets/data/cars.json')",
  'seattle-weather': "read_csv_auto('node_modules/vega-datasets/data/seattle-weather.csv')",
};

export interface Split {
  train: string;
  test: string;
}

/**
 * Writes `<dir>/<name>-train.parquet` and `-test.parquet`: a seeded 25 % test split of a sample, stratified by
 * `stratify` when given. `select` may rename or drop columns (SQL select list over the sample).
 */
export async function splitSample(dir: string, name: string, sample: Sample, opts: { select?: string; stratify?: string; seed?: number } = {}): Promise<Split> {
  await mkdir(dir, { recursive: true });
  const train = path.join(dir, `${name}-train.parquet`);
  const test = path.join(dir, `${name}-test.parquet`);
  const strata = opts.stratify ? quoteIdent(opts.stratify) : '1';
  await withDuckDb(async (conn) => {
    await conn.run(`CREATE OR REPLACE TEMP TABLE sample AS SELECT ${opts.select ?? '*'}, row_number() OVER () AS __row FROM ${sources[sample]}`);
    await conn.run(`CREATE OR REPLACE TEMP TABLE ranked AS SELECT *,
      row_number() OVER (PARTITION BY ${strata} ORDER BY hash(__row, ${opts.seed ?? 7}::BIGINT)) AS __k,
      count(*) OVER (PARTITION BY ${strata}) AS __n FROM sample`);
    for (const [file, test] of [[train, false], [path.join(dir, `${name}-test.parquet`), true]] as const) {
      await conn.run(`COPY (SELECT * EXCLUDE (__row, __k, __n) FROM ranked WHERE ${test ? '' : 'NOT '}(__k <= round(__n * 0.25)) ORDER BY __row)
        TO ${quoteLiteral(file)} (FORMAT parquet)`);
    }
    await conn.run('DROP TABLE ranked; DROP TABLE sample;');
  });
  return { train, test };
}

/** A table's columns as arrays (DuckDB values), keeping only rows where `target` is present. */
export async function readColumns(file: string, target?: string): Promise<Record<string, unknown[]>> {
  return withDuckDb(async (conn) => {
    const where = target ? `WHERE ${quoteIdent(target)} IS NOT NULL` : '';
    const rows = (await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(file)}) ${where}`)).getRowObjectsJS();
    const cols: Record<string, unknown[]> = {};
    for (const row of rows) for (const [k, v] of Object.entries(row)) (cols[k] ??= []).push(v);
    return cols;
  });
}

export interface MillraceResult {
  meta: ModelMeta;
  /** The ONNX model's predictions on the test rows (those with a target). */
  predictions: (string | number)[];
  probabilities?: Record<string, number>[];
  /** The test rows' target values, as strings for classification. */
  truth: (string | number)[];
  /** Wall time of the fitter process: reading, fitting, exporting. */
  wallSeconds: number;
}

/** Fits as a train step does and scores the test table with the exported ONNX model in Node. */
export async function fitWithMillrace(
  split: Split,
  outDir: string,
  opts: { algorithm: Algorithm; task?: FitTask; target?: string; features?: string[]; params?: Record<string, unknown> },
): Promise<MillraceResult> {
  const started = performance.now();
  const { onnxPath, meta } = await fitModel({
    python,
    tablePath: split.train,
    outDir,
    algorithm: opts.algorithm,
    task: opts.task ?? 'auto',
    target: opts.target ?? '',
    features: opts.features ?? null,
    params: opts.params ?? {},
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const model = await loadModel(onnxPath, meta);
  try {
    const cols = await readColumns(split.test, opts.target);
    const scored = await scoreColumns(model, cols);
    const truth = opts.target
      ? cols[opts.target]!.map((v) => (meta.task === 'classification' ? String(v) : Number(v)))
      : [];
    return { meta, predictions: scored.predictions, probabilities: scored.probabilities, truth, wallSeconds };
  } finally {
    await releaseModel(model);
  }
}

export interface ReferenceResult {
  predictions: (string | number)[];
  probabilities?: number[][];
  classes?: string[];
  metrics?: Record<string, number>;
  inertia?: number;
  trialScores?: number[];
  /** A search: the time of every fold's fit. */
  searchSeconds?: number;
  fitSeconds: number;
}

/** Fits `estimator(**kwargs)` with scikit-learn / LightGBM directly on the same split (test/support/fit_reference.py). */
export function fitWithReference(
  split: Split,
  job: { target?: string; features: string[]; estimator: string; kwargs?: Record<string, unknown>; search?: { grid: Record<string, unknown>[]; folds: number; seed: number } },
): Promise<ReferenceResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(python, [referenceScript], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`reference fit failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as ReferenceResult);
    });
    child.stdin!.end(JSON.stringify({ train: split.train, test: split.test, target: job.target ?? null, ...job }));
  });
}

/** Share of positions where two prediction lists agree. */
export function agreement(a: unknown[], b: unknown[]): number {
  if (a.length !== b.length) throw new Error(`prediction lists differ in length: ${a.length} and ${b.length}`);
  return a.filter((v, i) => v === b[i]).length / Math.max(1, a.length);
}

/** Largest |a - b| / max(1, |b|) over two number lists. */
export function maxRelativeDifference(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`lists differ in length: ${a.length} and ${b.length}`);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))), 0);
}

/** Penguins with column names that need quoting: spaces, parentheses, quotes, unicode. Nulls in numbers and Sex. */
export const PENGUINS_SELECT =
  `"Species", "Island" AS "Island (where) ""q""", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", ` +
  `"Body Mass (g)" AS "mass 😀 (g)", "Sex"`;
export const PENGUIN_FEATURES = ['Island (where) "q"', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'mass 😀 (g)', 'Sex'];
/** Cars: miles per gallon (missing in a few rows) from numbers with gaps and a text column. */
export const CAR_FEATURES = ['Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration', 'Origin'];

/** Classification accuracy and regression RMSE computed here, from predictions. */
export function accuracy(pred: unknown[], truth: unknown[]): number {
  return agreement(pred, truth);
}
export function rmse(pred: number[], truth: number[]): number {
  return Math.sqrt(pred.reduce((s, p, i) => s + (p - truth[i]!) ** 2, 0) / pred.length);
}

/**
 * Two adjacent float32 values, 17.69999885559082 and float32(17.7) = 17.700000762939453, labelled "low" and "high"
 * (20 rows each): a tree splits at their midpoint, which float32 rounds to the upper value. An ONNX tree holding the
 * rounded threshold would send 17.7 to the "low" side.
 */
export const ADJACENT_FLOAT32_ROWS = `SELECT CASE WHEN i < 20 THEN 17.69999885559082 ELSE 17.7 END::DOUBLE AS x,
  CASE WHEN i < 20 THEN 'low' ELSE 'high' END AS y FROM range(40) t(i)`;

/** Writes the result of a query to a Parquet file. */
export async function writeTable(file: string, select: string): Promise<string> {
  await withDuckDb((conn) => conn.run(`COPY (${select}) TO ${quoteLiteral(file)} (FORMAT parquet)`));
  return file;
}
