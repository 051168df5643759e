// Fits real models in Python (scikit-learn → ONNX) and scores them in Node (onnxruntime-node).
// First run creates the venv (MILLRACE_PYTHON_VENV or ./.millrace/python): allow a few minutes.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FitUserError, fitModel, type ModelMeta } from '../../server/infra/fitter';
import { loadModel, score, scoreColumns, ScoreInputError, validateRows, type LoadedModel } from '../../server/infra/scorer';
import { ensurePythonEnv } from '../../server/setup/python';

const PENGUINS = path.resolve('node_modules/vega-datasets/data/penguins.json');
const SETUP_TIMEOUT = 15 * 60_000;
const FIT_TIMEOUT = 180_000;

type Row = Record<string, string | number | null>;
interface Check {
  rows: number[];
  predictions: (string | number)[];
  probabilities: number[][] | null;
}

let python: string;
let tmp: string;
let tablePath: string;
let renamedTablePath: string;
let penguins: Row[];
const loaded: LoadedModel[] = [];

async function fitAndLoad(name: string, opts: Omit<Parameters<typeof fitModel>[0], 'python' | 'outDir' | 'tablePath'> & { tablePath?: string }) {
  const progress: string[] = [];
  const outDir = path.join(tmp, name);
  const { onnxPath, meta } = await fitModel({
    python,
    tablePath: opts.tablePath ?? tablePath,
    outDir,
    checkRows: 1000,
    onProgress: (m) => progress.push(m),
    ...opts,
  });
  const model = await loadModel(onnxPath, meta);
  loaded.push(model);
  const check = JSON.parse(await readFile(path.join(outDir, 'check.json'), 'utf8')) as Check;
  return { model, meta, check, progress };
}

beforeAll(async () => {
  const venvDir = process.env.MILLRACE_PYTHON_VENV ?? path.resolve('.millrace/python');
  ({ python } = await ensurePythonEnv({
    venvDir,
    basePython: process.env.MILLRACE_PYTHON ?? 'python3',
    log: (l) => console.log(`[python] ${l}`),
  }));
  tmp = await mkdtemp(path.join(os.tmpdir(), 'millrace-fit-'));
  tablePath = path.join(tmp, 'penguins.parquet');
  renamedTablePath = path.join(tmp, 'penguins-renamed.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(`COPY (SELECT * FROM read_json_auto('${PENGUINS}')) TO '${tablePath}' (FORMAT parquet)`);
  await con.run(
    `COPY (SELECT "Species" AS "espèce ""名前""", "Island" AS "Island (where)", "Beak Length (mm)" AS "beak, length; 'mm'",
            "Body Mass (g)" AS "mass 😀" FROM read_parquet('${tablePath}')) TO '${renamedTablePath}' (FORMAT parquet)`,
  );
  con.closeSync();
  penguins = JSON.parse(await readFile(PENGUINS, 'utf8')) as Row[];
}, SETUP_TIMEOUT);

afterAll(async () => {
  for (const m of loaded) await m.session.release().catch(() => {});
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function accuracy(pred: (string | number)[], truth: unknown[]) {
  let ok = 0;
  pred.forEach((p, i) => (ok += p === truth[i] ? 1 : 0));
  return ok / pred.length;
}

function expectSameAsSklearn(meta: ModelMeta, check: Check, onnx: { predictions: (string | number)[]; probabilities?: Record<string, number>[] }) {
  expect(onnx.predictions.length).toBe(check.predictions.length);
  if (meta.task === 'classification') {
    expect(onnx.predictions).toEqual(check.predictions);
    check.probabilities!.forEach((probs, i) => {
      meta.classes!.forEach((c, j) => expect(onnx.probabilities![i][c]).toBeCloseTo(probs[j], 4));
    });
  } else {
    check.predictions.forEach((p, i) => {
      expect(Math.abs((onnx.predictions[i] as number) - (p as number))).toBeLessThan(1e-4 * Math.max(1, Math.abs(p as number)));
    });
  }
}

describe('fit in Python, score in Node', () => {
  let forest: Awaited<ReturnType<typeof fitAndLoad>>;

  it('fits a random forest on Species and scores it like scikit-learn', async () => {
    forest = await fitAndLoad('rf', {
      algorithm: 'random_forest',
      task: 'auto',
      target: 'Species',
      features: null,
      params: { trees: 60, seed: 7 },
    });
    const { meta, model, check } = forest;
    expect(meta.task).toBe('classification');
    expect(meta.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(meta.features.map((f) => f.name)).toEqual(['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex']);
    expect(meta.features.find((f) => f.name === 'Sex')!.type).toBe('string');
    expect(meta.features.find((f) => f.name === 'Body Mass (g)')!).toMatchObject({ type: 'number', input: 'f4' });
    expect(meta.rowsUsed).toBe(344);
    expect(meta.params).toMatchObject({ trees: 60, seed: 7 });
    expect(meta.importances!.length).toBe(6);
    expect(meta.importances!.reduce((s, x) => s + x.importance, 0)).toBeCloseTo(1, 6);
    // Text features carry the categories seen in training (for the endpoint's warnings); numbers do not.
    expect(meta.features.find((f) => f.name === 'Island')!.categories).toEqual(['Biscoe', 'Dream', 'Torgersen']);
    expect(meta.features.find((f) => f.name === 'Body Mass (g)')!.categories).toBeUndefined();
    expect(forest.progress.some((m) => m.includes('60 trees'))).toBe(true);

    const result = await score(model, penguins);
    expect(accuracy(result.predictions, penguins.map((r) => r.Species))).toBeGreaterThan(0.9);
    // penguins[3] has every measurement and Sex null: included in the comparison
    expect(check.rows.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    expectSameAsSklearn(meta, check, {
      predictions: check.rows.map((r) => result.predictions[r]),
      probabilities: check.rows.map((r) => result.probabilities![r]),
    });
  }, FIT_TIMEOUT);

  it('scores rows with missing and unseen values', async () => {
    const { model } = forest;
    const rows = [
      { Island: null, 'Beak Length (mm)': null, 'Beak Depth (mm)': null, 'Flipper Length (mm)': null, 'Body Mass (g)': null, Sex: null },
      { Island: 'Atlantis', 'Beak Length (mm)': 48.1, 'Beak Depth (mm)': 15.1, 'Flipper Length (mm)': 220, 'Body Mass (g)': 5500, Sex: '' },
      { Island: 'Dream', 'Beak Length (mm)': 50.2, 'Beak Depth (mm)': 19.1, 'Flipper Length (mm)': null, 'Body Mass (g)': null, Sex: 'FEMALE', extra: 'ignored' },
    ];
    const r = await score(model, rows);
    expect(r.predictions).toHaveLength(3);
    for (const p of r.predictions) expect(['Adelie', 'Chinstrap', 'Gentoo']).toContain(p);
    for (const probs of r.probabilities!) {
      expect(Object.values(probs).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      for (const v of Object.values(probs)) expect(Number.isNaN(v)).toBe(false);
    }
    expect(r.predictions[1]).toBe('Gentoo');
  });

  it('rejects mistyped and missing features, naming them', async () => {
    const { model, meta } = forest;
    const good = { ...penguins[0] };
    const v = validateRows(meta, [good, { ...good, 'Beak Length (mm)': 'abc' }, { Island: 'Dream' }, 'nope', { ...good, Sex: { a: 1 } }]);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.some((e) => e.includes('row 1') && e.includes('"Beak Length (mm)"') && e.includes('"abc"'))).toBe(true);
    expect(v.errors.some((e) => e.includes('row 2') && e.includes('"Body Mass (g)"') && e.includes('missing'))).toBe(true);
    expect(v.errors.some((e) => e.startsWith('row 3'))).toBe(true);
    expect(v.errors.some((e) => e.includes('row 4') && e.includes('"Sex"'))).toBe(true);
    expect(v.errors.some((e) => e.startsWith('row 0'))).toBe(false);
    // coercions that are allowed
    expect(validateRows(meta, [{ ...good, Sex: true, Island: 7, 'Body Mass (g)': 4000n, 'Beak Length (mm)': '41.5' }]).ok).toBe(true);
    await expect(score(model, [{ ...good, 'Beak Length (mm)': 'abc' }])).rejects.toBeInstanceOf(ScoreInputError);
  });

  it('refuses numbers beyond float32 and warns about categories never seen in training', async () => {
    const { model, meta } = forest;
    const good = { ...penguins[0] };
    const big = validateRows(meta, [good, { ...good, 'Body Mass (g)': 1e300 }, { ...good, 'Beak Length (mm)': '4e38' }]);
    expect(big.ok).toBe(false);
    if (big.ok) return;
    expect(big.issues).toEqual([
      { row: 1, feature: 'Body Mass (g)', message: expect.stringContaining('float32') },
      { row: 2, feature: 'Beak Length (mm)', message: expect.stringContaining('float32') },
    ]);
    await expect(scoreColumns(model, { ...Object.fromEntries(meta.features.map((f) => [f.name, [good[f.name]]])), 'Body Mass (g)': [1e39] })).rejects.toBeInstanceOf(ScoreInputError);
    const odd = validateRows(meta, [good, { ...good, Island: 'Atlantis', Sex: null }]);
    expect(odd.ok).toBe(true);
    if (!odd.ok) return;
    expect(odd.warnings).toEqual([{ row: 1, feature: 'Island', message: expect.stringContaining('unknown category "Atlantis"') }]);
  });

  it('scores columns read back from Parquet by DuckDB (bigint values) like rows', async () => {
    const { model } = forest;
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const reader = await con.runAndReadAll(`SELECT * FROM read_parquet('${tablePath}')`);
    const cols = reader.getColumnsObjectJS() as Record<string, unknown[]>;
    con.closeSync();
    expect(typeof cols['Body Mass (g)'].find((v) => v !== null)).toBe('bigint');
    const byCols = await scoreColumns(model, cols);
    const byRows = await score(model, penguins);
    expect(byCols.predictions).toEqual(byRows.predictions);
  });

  it('fits logistic regression on Species and matches scikit-learn', async () => {
    const { meta, model, check } = await fitAndLoad('logreg', {
      algorithm: 'logistic_regression',
      task: 'auto',
      target: 'Species',
      features: ['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Sex'],
      params: { C: 1, maxIter: 500 },
    });
    expect(meta.task).toBe('classification');
    expect(meta.features).toHaveLength(5);
    expect(meta.params).toEqual({ C: 1, maxIter: 500, fitIntercept: true });
    const result = await score(model, penguins);
    expect(accuracy(result.predictions, penguins.map((r) => r.Species))).toBeGreaterThan(0.9);
    expectSameAsSklearn(meta, check, {
      predictions: check.rows.map((r) => result.predictions[r]),
      probabilities: check.rows.map((r) => result.probabilities![r]),
    });
  }, FIT_TIMEOUT);

  it('fits linear regression on "Body Mass (g)", dropping rows without a target', async () => {
    const { meta, model, check, progress } = await fitAndLoad('linreg', {
      algorithm: 'linear_regression',
      task: 'auto',
      target: 'Body Mass (g)',
      features: null,
      params: {},
    });
    expect(meta.task).toBe('regression');
    expect(meta.classes).toBeNull();
    expect(meta.outputs.probabilities).toBeNull();
    expect(meta.rowsDroppedMissingTarget).toBe(2);
    expect(meta.rowsUsed).toBe(342);
    expect(meta.features.map((f) => f.name)).toContain('Species');
    expect(progress.some((m) => m.includes('dropped 2 rows'))).toBe(true);
    expect(check.rows).not.toContain(3);

    const result = await score(model, penguins);
    expect(result.probabilities).toBeUndefined();
    expectSameAsSklearn(meta, check, { predictions: check.rows.map((r) => result.predictions[r]) });
    // R² on the training rows
    const ys = check.rows.map((r) => penguins[r]['Body Mass (g)'] as number);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const ssTot = ys.reduce((a, y) => a + (y - mean) ** 2, 0);
    const ssRes = check.rows.reduce((a, r, i) => a + (ys[i] - (result.predictions[r] as number)) ** 2, 0);
    expect(1 - ssRes / ssTot).toBeGreaterThan(0.8);
    // a row with every feature missing still scores
    const blank = Object.fromEntries(meta.features.map((f) => [f.name, null]));
    const r = await score(model, [blank]);
    expect(Number.isFinite(r.predictions[0] as number)).toBe(true);
  }, FIT_TIMEOUT);

  it('records no categories for a text feature with more than 1,000 of them', async () => {
    const manyPath = path.join(tmp, 'many-codes.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(
      `COPY (SELECT 'c' || (i % 1500) AS code, 'k' || (i % 3) AS kind, (i % 7) * 1.5 AS x, CASE WHEN i % 2 = 0 THEN 'yes' ELSE 'no' END AS y
             FROM range(3000) t(i)) TO '${manyPath}' (FORMAT parquet)`,
    );
    con.closeSync();
    const { meta } = await fitAndLoad('many-codes', {
      tablePath: manyPath,
      algorithm: 'random_forest',
      task: 'classification',
      target: 'y',
      features: null,
      params: { trees: 5, seed: 1 },
    });
    expect(meta.features.find((f) => f.name === 'code')!.categories).toBeUndefined();
    expect(meta.features.find((f) => f.name === 'kind')!.categories).toEqual(['k0', 'k1', 'k2']);
    const v = validateRows(meta, [{ code: 'never-seen', kind: 'k9', x: 1 }]);
    expect(v.ok && v.warnings.map((w) => w.feature)).toEqual(['kind']);
  }, FIT_TIMEOUT);

  it('handles arbitrary column names (quotes, punctuation, unicode)', async () => {
    const target = 'espèce "名前"';
    const { meta, model, check } = await fitAndLoad('renamed', {
      tablePath: renamedTablePath,
      algorithm: 'random_forest',
      task: 'classification',
      target,
      features: null,
      params: { trees: 10, maxDepth: 4, seed: 1 },
    });
    expect(meta.target).toBe(target);
    expect(meta.features.map((f) => f.name)).toEqual(['Island (where)', "beak, length; 'mm'", 'mass 😀']);
    expect(meta.features.map((f) => f.input)).toEqual(['f0', 'f1', 'f2']);
    const rows = penguins.map((p) => ({ 'Island (where)': p.Island, "beak, length; 'mm'": p['Beak Length (mm)'], 'mass 😀': p['Body Mass (g)'] }));
    const result = await score(model, rows);
    expect(check.rows.map((r) => result.predictions[r])).toEqual(check.predictions);
  }, FIT_TIMEOUT);

  it('gives clear errors for bad specs', async () => {
    const base = { python, tablePath, outDir: path.join(tmp, 'bad'), task: 'auto' as const, features: null, params: {} };
    await expect(fitModel({ ...base, algorithm: 'random_forest', target: 'Nope' })).rejects.toThrow(
      /target column "Nope" is not in the table/,
    );
    await expect(fitModel({ ...base, algorithm: 'random_forest', target: 'Nope' })).rejects.toBeInstanceOf(FitUserError);
    await expect(
      fitModel({ ...base, algorithm: 'random_forest', target: 'Species', features: ['Island', 'Wing Span'] }),
    ).rejects.toThrow(/feature column "Wing Span" is not in the table/);
    await expect(fitModel({ ...base, algorithm: 'linear_regression', target: 'Species' })).rejects.toThrow(
      /target column "Species" is text; regression needs a numeric target/,
    );
    await expect(fitModel({ ...base, algorithm: 'logistic_regression', target: 'Beak Length (mm)' })).rejects.toThrow(
      /"Beak Length \(mm\)" looks continuous/,
    );
    const ac = new AbortController();
    const p = fitModel({ ...base, algorithm: 'random_forest', target: 'Species', params: { trees: 2000 }, signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    await expect(p).rejects.toThrow();
  }, FIT_TIMEOUT);
});
