import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyTransformFile, learnImpute } from '../kit/learned-transform';
import { expectRowsClose, pandas, readParquet, tempDir, writeParquet } from '../../../test/support/tables';
import { transformSchema } from '../../core/transforms';
import definition from './definition';

const dir = await tempDir('impute');
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

// Awkward names, nulls in every column, text with quotes and unicode.
const TRAIN = `SELECT
  CASE WHEN i % 7 = 0 THEN NULL ELSE 3000 + (i * 37 % 1000) + 0.25 END::DOUBLE AS "body mass (g)",
  CASE WHEN i % 5 = 0 THEN NULL ELSE 170 + (i * 13 % 50) END::BIGINT AS "flipper length",
  CASE WHEN i % 9 = 0 THEN NULL ELSE ['Biscoe', 'Dream "north"', 'O''Hare', 'Torgersen ✓', 'Ærø'][1 + (i * i + i // 3) % 5] END AS "island name",
  CASE WHEN i % 4 = 0 THEN NULL ELSE i % 3 = 0 END AS "is adult?"
FROM range(200) t(i)`;
// Extreme test rows: if they leaked into what is learned, the mean and median would move.
const TEST = `SELECT * FROM (VALUES
  (NULL::DOUBLE, NULL::BIGINT, NULL::VARCHAR, NULL::BOOLEAN),
  (1e12, 999999, 'never seen ☃', true),
  (-5.5, NULL, 'Ærø', NULL),
  (NULL, -1000000, NULL, false)
) t("body mass (g)", "flipper length", "island name", "is adult?")`;

const rules = [
  { column: 'body mass (g)', strategy: 'mean' as const },
  { column: 'flipper length', strategy: 'median' as const },
  { column: 'island name', strategy: 'mode' as const },
  { column: 'is adult?', strategy: 'constant' as const, value: 'true' },
];

const REFERENCE = `
tr = pd.read_parquet(d['train']); te = pd.read_parquet(d['test'])
fills = {'body mass (g)': tr['body mass (g)'].mean(), 'flipper length': tr['flipper length'].median(), 'island name': tr['island name'].mode().iloc[0], 'is adult?': True}
both = pd.concat([tr, te])
leaky = {'body mass (g)': both['body mass (g)'].mean(), 'flipper length': both['flipper length'].median()}
out = te.copy()
for k, v in fills.items():
    out[k] = out[k].astype(object).where(out[k].notna(), v) if k == 'is adult?' else out[k].fillna(v)
py = lambda v: v.item() if hasattr(v, 'item') else v
print(json.dumps({'fills': {k: py(v) for k, v in fills.items()}, 'leaky': {k: py(v) for k, v in leaky.items()},
  'rows': json.loads(out.to_json(orient='records', force_ascii=False, double_precision=15))}))
`;

const closeOrEqual = (a: unknown, e: unknown, where: string) => {
  if (typeof e === 'number') expect(a, where).toBeCloseTo(e, 6);
  else expect(a, where).toEqual(e);
};

describe('prepare.impute', () => {
  it('learns mean, median, mode and constant from the training rows only, as pandas does', async () => {
    const train = path.join(dir, 'train.parquet');
    const test = path.join(dir, 'test.parquet');
    const schema = await writeParquet(train, TRAIN);
    await writeParquet(test, TEST);
    const spec = await learnImpute(train, schema, rules);
    const ref = pandas(REFERENCE, { train, test });
    const learned = Object.fromEntries(spec.columns.map((c) => [c.name, c.value]));
    expect(learned['body mass (g)']).toBeCloseTo(ref.fills['body mass (g)'], 9);
    expect(learned['flipper length']).toBe(ref.fills['flipper length']);
    expect(learned['island name']).toBe(ref.fills['island name']);
    expect(learned['is adult?']).toBe(true);
    // The test rows would have moved the mean had they been learned from.
    expect(Math.abs(ref.leaky['body mass (g)'] - ref.fills['body mass (g)'])).toBeGreaterThan(1e6);
  });

  it('fills the test table with the values learned from training, like pandas fillna (real DuckDB)', async () => {
    const train = path.join(dir, 'train.parquet');
    const test = path.join(dir, 'test.parquet');
    const out = path.join(dir, 'test-filled.parquet');
    const schema = await writeParquet(train, TRAIN);
    const testSchema = await writeParquet(test, TEST);
    const spec = await learnImpute(train, schema, rules);
    await applyTransformFile(spec, test, testSchema, out);
    const ref = pandas(REFERENCE, { train, test });
    expectRowsClose(await readParquet(out), ref.rows, closeOrEqual);
    // Design time promised these columns and types: mean and median make DOUBLE, the others keep theirs.
    const promised = definition.outputSchema!({ params: definition.params.parse({ columns: rules }), inputs: { train: schema, apply: testSchema }, dataset: () => undefined });
    const written = (await import('../../../server/infra/duckdb')).describeParquet(out);
    expect(promised.applied).toEqual((await written).columns);
    expect(transformSchema(spec, testSchema)).toEqual((await written).columns);
  });

  it('refuses what it cannot learn or read, naming the column', async () => {
    const file = path.join(dir, 'nulls.parquet');
    const schema = await writeParquet(file, `SELECT NULL::DOUBLE AS "empty col", 'a' AS t FROM range(3)`);
    await expect(learnImpute(file, schema, [{ column: 'empty col', strategy: 'median' }])).rejects.toThrow('Column "empty col" has no values in the training table to learn a median from');
    await expect(learnImpute(file, schema, [{ column: 't', strategy: 'mean' }])).rejects.toThrow('Column "t" is VARCHAR: a mean needs numbers');
    await expect(learnImpute(file, schema, [{ column: 'empty col', strategy: 'constant', value: 'abc' }])).rejects.toThrow(
      'Column "empty col" is DOUBLE: the constant "abc" cannot be read as DOUBLE',
    );
  });

  it('checks columns, kinds and constants at design time', () => {
    const train = [
      { name: 'x', type: 'DOUBLE' },
      { name: 'name', type: 'VARCHAR' },
    ];
    const check = (columns: unknown[], apply?: typeof train) =>
      definition.check!({ params: definition.params.parse({ columns }), inputs: { train, ...(apply ? { apply } : {}) }, dataset: () => undefined });
    expect(check([{ column: 'x' }, { column: 'name', strategy: 'mode' }])).toEqual([]);
    expect(check([{ column: 'name', strategy: 'median' }])).toEqual([{ path: 'params.columns.0.column', message: '"name" is VARCHAR: a median needs a numeric column' }]);
    expect(check([{ column: 'nope' }])).toEqual([{ path: 'params.columns.0.column', message: 'Column "nope" is not in the training table' }]);
    expect(check([{ column: 'name', strategy: 'constant' }])).toEqual([{ path: 'params.columns.0.value', message: 'Give the constant to fill in' }]);
    expect(check([{ column: 'x' }], [{ name: 'name', type: 'VARCHAR' }])).toEqual([{ path: 'params.columns.0.column', message: 'Column "x" is not in the "Apply to" table' }]);
    expect(definition.params.safeParse({ columns: [] }).success).toBe(false);
  });
});
