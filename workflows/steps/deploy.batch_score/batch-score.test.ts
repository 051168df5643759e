import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { fitModel, type ModelMeta } from '../../../server/infra/fitter';
import { pythonExecutable } from '../../../server/infra/python-paths';
import { loadModel, releaseModel, score, type LoadedModel } from '../../../server/infra/scorer';
import type { TableSchema } from '../../core/table-schema';
import type { TransformSpec } from '../../core/transforms';
import { batchScore, pendingTransforms } from '../kit/batch-score';
import { StepInputError } from '../kit/step-error';
import { compilePipeline, makeDatasetLookup } from '../../core/compiler';
import { catalog } from '../catalog';
import definition, { checkBatchScore, predictionPrefix, scoredSchema } from './definition';

// Real models fitted by the Python fitter and scored through onnxruntime-node: the step's batches must give
// what the endpoint's scorer gives for the same rows one request at a time.
const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));
const PENGUINS = path.resolve('node_modules/vega-datasets/data/penguins.json');
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-batch-score-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const table = path.join(dir, 'penguins.parquet');
const read = async (file: string) =>
  withDuckDb(async (conn) => (await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(file)})`)).getRowObjectsJS() as Record<string, unknown>[]);
const describeFile = async (file: string): Promise<TableSchema> =>
  withDuckDb(async (conn) =>
    (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(file)})`)).getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
  );

async function fitted(name: string, algorithm: 'decision_tree' | 'linear_regression', target: string, features: string[]) {
  const fit = await fitModel({ python, tablePath: table, outDir: path.join(dir, name), algorithm, task: 'auto', target, features, params: {} });
  return loadModel(fit.onnxPath, fit.meta);
}

let classifier: LoadedModel;
beforeAll(async () => {
  // A column named like the default prediction columns: the step must pick other names.
  await withDuckDb((conn) =>
    conn.run(
      `COPY (SELECT *, 'x' AS prediction_label FROM read_json_auto(${quoteLiteral(PENGUINS)}) WHERE "Species" IS NOT NULL) TO ${quoteLiteral(table)} (FORMAT parquet)`,
    ),
  );
  classifier = await fitted('species', 'decision_tree', 'Species', ['Island', 'Beak Length (mm)', 'Flipper Length (mm)', 'Body Mass (g)']);
});
afterAll(() => classifier && releaseModel(classifier));

describe('deploy.batch_score definition', () => {
  const schema: TableSchema = [
    { name: 'a', type: 'DOUBLE' },
    { name: 'prediction_value', type: 'VARCHAR' },
  ];

  it('adds label, value and probabilities after the input columns, with a prefix that does not clash', () => {
    expect(predictionPrefix('prediction', ['a'])).toBe('prediction');
    expect(predictionPrefix('prediction', ['prediction_value', 'prediction_2_label'])).toBe('prediction_3');
    expect(scoredSchema(schema, 'prediction').map((c) => `${c.name} ${c.type}`)).toEqual([
      'a DOUBLE',
      'prediction_value VARCHAR',
      'prediction_2_label VARCHAR',
      'prediction_2_value DOUBLE',
      'prediction_2_probabilities MAP(VARCHAR, DOUBLE)',
    ]);
    const params = definition.params.parse({ model: 'm' });
    expect(definition.outputSchema!({ params, inputs: { table: schema }, dataset: () => undefined })).toEqual({ scored: scoredSchema(schema, 'prediction') });
  });

  it('refuses unknown parameters, a version with an alias, and a registered model beside a connected one', () => {
    expect(definition.params.safeParse({ modelName: 'm' }).success).toBe(false);
    expect(definition.params.safeParse({ prefix: '1x' }).success).toBe(false);
    const check = (p: Record<string, unknown>, inputs: Record<string, TableSchema | undefined> = {}) =>
      checkBatchScore({ params: definition.params.parse(p), inputs, dataset: () => undefined }).map((i) => `${i.path}: ${i.message}`);
    expect(check({ model: 'm', version: 2 })).toEqual([]);
    expect(check({ model: 'm', version: 2, alias: 'production' })).toEqual(['params.alias: Choose a version or an alias, not both']);
    expect(check({ alias: 'production' })).toEqual(['params.model: A version or alias needs the registered model it belongs to']);
    expect(check({ model: 'm' }, { model: [{ name: 'a', type: 'DOUBLE' }] })[0]).toMatch(/^params.model: A model is connected/);
  });

  it("names each model feature the table lacks, at design time", () => {
    const issues = checkBatchScore({
      params: definition.params.parse({}),
      inputs: { table: schema, model: [{ name: 'a', type: 'DOUBLE' }, { name: 'b', type: 'BIGINT' }] },
      dataset: () => undefined,
    });
    expect(issues).toEqual([{ path: 'inputs.table', message: `The model's feature "b" is not a column of the table (columns: "a", "prediction_value")` }]);
  });
});

describe('deploy.batch_score in a compiled pipeline', () => {
  const columns: TableSchema = [
    { name: 'species', type: 'VARCHAR' },
    { name: 'bill', type: 'DOUBLE' },
    { name: 'mass', type: 'BIGINT' },
  ];
  const datasets = makeDatasetLookup([
    { name: 'train', version: 1, columns },
    { name: 'fresh', version: 1, columns: columns.filter((c) => c.name !== 'mass') },
  ]);
  const doc = (scoreOn: string) => ({
    apiVersion: 'millrace/v1',
    name: 'score',
    nodes: [
      { id: 'load', type: 'ingest.dataset', params: { dataset: 'train' } },
      { id: 'fresh', type: 'ingest.dataset', params: { dataset: 'fresh' } },
      { id: 'train', type: 'train.decision_tree', params: { target: 'species' } },
      { id: 'score', type: 'deploy.batch_score', params: {} },
    ],
    edges: [
      { from: 'load.table', to: 'train.table' },
      { from: 'train.model', to: 'score.model' },
      { from: `${scoreOn}.table`, to: 'score.table' },
    ],
  });

  it("declares the scored table's columns for the steps after it", () => {
    const result = compilePipeline(doc('load'), catalog, { datasets });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.steps.find((s) => s.id === 'score')!.outputSchemas).toEqual({ scored: scoredSchema(columns, 'prediction') });
  });

  it("reports a table without one of the train step's features on the scoring node", () => {
    const result = compilePipeline(doc('fresh'), catalog, { datasets });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual(expect.objectContaining({ nodeId: 'score', path: 'inputs.table', message: expect.stringContaining('feature "mass"') }));
  });
});

describe('deploy.batch_score scoring', () => {
  it('classification: the same labels and probabilities as the endpoint scorer, in input order', async () => {
    const out = path.join(dir, 'species.parquet');
    const result = await batchScore({ file: table, out, model: classifier, chain: [], prefix: 'prediction' });
    const input = await read(table);
    const rows = await read(out);
    expect(result.rows).toBe(input.length);
    expect(result.prefix).toBe('prediction_2');
    expect((await describeFile(out)).map((c) => c.name)).toEqual([...Object.keys(input[0]!), 'prediction_2_label', 'prediction_2_value', 'prediction_2_probabilities']);
    const reference = await score(classifier, input);
    expect(rows.map((r) => r.prediction_2_label)).toEqual(reference.predictions);
    rows.forEach((r, i) => {
      expect(r['Beak Length (mm)']).toEqual(input[i]!['Beak Length (mm)']);
      const probs = Object.fromEntries((r.prediction_2_probabilities as { key: string; value: number }[]).map((e) => [e.key, e.value]));
      for (const [c, p] of Object.entries(reference.probabilities![i]!)) expect(probs[c]).toBeCloseTo(p, 6);
      expect(r.prediction_2_value).toBeCloseTo(reference.probabilities![i]![String(r.prediction_2_label)]!, 6);
    });
    expect(Object.values(result.counts!).reduce((a, b) => a + b, 0)).toBe(input.length);
  });

  it('regression: the value column holds the endpoint scorer’s numbers; label and probabilities are empty', async () => {
    const model = await fitted('mass', 'linear_regression', 'Body Mass (g)', ['Flipper Length (mm)', 'Sex']);
    try {
      const out = path.join(dir, 'mass.parquet');
      const result = await batchScore({ file: table, out, model, chain: [], prefix: 'mass' });
      const rows = await read(out);
      const reference = await score(model, await read(table));
      expect(rows.map((r) => r.mass_value)).toEqual(reference.predictions.map((p) => Number(p)));
      expect(rows.every((r) => r.mass_label === null && r.mass_probabilities === null)).toBe(true);
      expect(result.values!.min).toBeLessThanOrEqual(result.values!.mean);
    } finally {
      await releaseModel(model);
    }
  });

  it('applies the model’s learned transforms to a raw table, as the endpoint does to a request', async () => {
    const scaled = path.join(dir, 'scaled.parquet');
    const scale: TransformSpec = { kind: 'scale', columns: [{ name: 'Flipper Length (mm)', method: 'standard', center: 200, scale: 10 }] };
    await withDuckDb((conn) =>
      conn.run(`COPY (SELECT * REPLACE (("Flipper Length (mm)" - 200) / 10.0 AS "Flipper Length (mm)") FROM read_parquet(${quoteLiteral(table)})) TO ${quoteLiteral(scaled)} (FORMAT parquet)`),
    );
    const fit = await fitModel({ python, tablePath: scaled, outDir: path.join(dir, 'scaledfit'), algorithm: 'decision_tree', task: 'auto', target: 'Species', features: ['Flipper Length (mm)', 'Island'], params: {} });
    const model = await loadModel(fit.onnxPath, fit.meta);
    try {
      const fromRaw = path.join(dir, 'from-raw.parquet');
      const fromScaled = path.join(dir, 'from-scaled.parquet');
      await batchScore({ file: table, out: fromRaw, model, chain: pendingTransforms([scale], undefined), prefix: 'p' });
      await batchScore({ file: scaled, out: fromScaled, model, chain: pendingTransforms([scale], { transforms: [scale] }), prefix: 'p' });
      expect((await read(fromRaw)).map((r) => r.p_label)).toEqual((await read(fromScaled)).map((r) => r.p_label));
    } finally {
      await releaseModel(model);
    }
    expect(() => pendingTransforms([], { transforms: [scale] })).toThrow(StepInputError);
  });

  it('names a feature column the table lacks, and a text column where the model takes numbers', async () => {
    const other = path.join(dir, 'other.parquet');
    await withDuckDb((conn) =>
      conn.run(`COPY (SELECT "Island", CAST("Beak Length (mm)" AS VARCHAR) AS "Beak Length (mm)", "Body Mass (g)" FROM read_parquet(${quoteLiteral(table)})) TO ${quoteLiteral(other)} (FORMAT parquet)`),
    );
    const run = () => batchScore({ file: other, out: path.join(dir, 'x.parquet'), model: classifier, chain: [], prefix: 'p' });
    await expect(run()).rejects.toThrow(/lacks the model's feature column "Flipper Length \(mm\)"/);
    const meta: ModelMeta = { ...classifier.meta, features: classifier.meta.features.filter((f) => f.name !== 'Flipper Length (mm)') };
    await expect(batchScore({ file: other, out: path.join(dir, 'y.parquet'), model: { ...classifier, meta }, chain: [], prefix: 'p' })).rejects.toThrow(
      /Feature "Beak Length \(mm\)" is VARCHAR in the table; the model takes numbers/,
    );
  });
});
