import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeParquet } from '../../../server/infra/duckdb';
import { expectRowsClose, pandas, readParquet, tempDir, writeParquet } from '../../../test/support/tables';
import { applyTransformFile, learnScale } from '../kit/learned-transform';
import definition from './definition';

const dir = await tempDir('scale');
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const TRAIN = `SELECT
  CASE WHEN i % 7 = 0 THEN NULL ELSE 3000 + (i * 37 % 1000) * 1.5 END::DOUBLE AS "body mass (g)",
  (170 + i * 13 % 50)::BIGINT AS "flipper length",
  4::INTEGER AS "constant col",
  ['a "b"', 'Ærø'][1 + i % 2] AS "label ✓"
FROM range(150) t(i)`;
// Extreme values in the test table must not move what is learned.
const TEST = `SELECT * FROM (VALUES
  (NULL::DOUBLE, 1000000::BIGINT, 4::INTEGER, 'x'),
  (1e12, -5, 7, NULL),
  (3100.5, 180, NULL, 'Ærø')
) t("body mass (g)", "flipper length", "constant col", "label ✓")`;

const REFERENCE = `
from sklearn.preprocessing import MinMaxScaler, StandardScaler
tr = pd.read_parquet(d['train']); te = pd.read_parquet(d['test'])
cols = d['columns']
scaler = (StandardScaler() if d['method'] == 'standard' else MinMaxScaler()).fit(tr[cols].astype(float))
out = te.copy().astype({c: float for c in cols})
out[cols] = scaler.transform(te[cols].astype(float))
print(json.dumps({'rows': json.loads(out.to_json(orient='records', force_ascii=False, double_precision=15))}))
`;

const close = (a: unknown, e: unknown, where: string) => {
  if (typeof e === 'number') expect(Math.abs((a as number) - e), where).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
  else expect(a, where).toEqual(e);
};

describe('prepare.scale', () => {
  for (const method of ['standard', 'minmax'] as const) {
    it(`${method}: learned on the training table, applied to the test table as scikit-learn does (real DuckDB)`, async () => {
      const train = path.join(dir, 'train.parquet');
      const test = path.join(dir, 'test.parquet');
      const out = path.join(dir, `out-${method}.parquet`);
      const schema = await writeParquet(train, TRAIN);
      const testSchema = await writeParquet(test, TEST);
      const columns = ['body mass (g)', 'flipper length', 'constant col'];
      const spec = await learnScale(train, schema, columns, method);
      expect(spec.columns[2]!.scale).toBe(1); // a single value: shifted, not divided by zero
      await applyTransformFile(spec, test, testSchema, out);
      expectRowsClose(await readParquet(out), pandas(REFERENCE, { train, test, columns, method }).rows, close);
      const promised = definition.outputSchema!({
        params: definition.params.parse({ columns, method }),
        inputs: { train: schema, apply: testSchema },
        dataset: () => undefined,
      });
      expect(promised.applied).toEqual((await describeParquet(out)).columns);
    });
  }

  it('refuses text columns, at design time and at run time', async () => {
    const file = path.join(dir, 'text.parquet');
    const schema = await writeParquet(file, `SELECT 'a' AS "label ✓" FROM range(2)`);
    await expect(learnScale(file, schema, ['label ✓'], 'standard')).rejects.toThrow('Column "label ✓" is VARCHAR: only numbers can be scaled');
    expect(definition.check!({ params: definition.params.parse({ columns: ['label ✓'] }), inputs: { train: schema }, dataset: () => undefined })).toEqual([
      { path: 'params.columns.0', message: '"label ✓" is VARCHAR: only numeric columns can be scaled' },
    ]);
  });
});
