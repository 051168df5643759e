import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeParquet } from '../../../server/infra/duckdb';
import { expectRowsClose, pandas, readParquet, tempDir, writeParquet } from '../../../test/support/tables';
import { applyTransformFile, learnEncode } from '../kit/learned-transform';
import definition from './definition';

const dir = await tempDir('encode');
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const TRAIN = `SELECT
  i::DOUBLE AS "x (raw)",
  CASE WHEN i % 6 = 0 THEN NULL ELSE ['Biscoe', 'Dream "north"', 'O''Hare', 'Torgersen ✓', 'Ærø'][1 + (i * 7) % 5] END AS "island name",
  CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS "is adult?",
  CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 4) * 10 END::BIGINT AS "grade level"
FROM range(60) t(i)`;
// Unseen values (a new island, grade 99) and nulls in every column.
const TEST = `SELECT * FROM (VALUES
  (1.5::DOUBLE, 'Ærø', true, 10::BIGINT),
  (2.5, 'never seen ☃', NULL, 99),
  (3.5, NULL, false, NULL),
  (4.5, 'O''Hare', true, 30)
) t("x (raw)", "island name", "is adult?", "grade level")`;

// scikit-learn's encoders on the values as text (DuckDB's spelling: true/false, integers without ".0").
const REFERENCE = `
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
tr = pd.read_parquet(d['train']); te = pd.read_parquet(d['test'])
def text(s):
    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA: return None
        if isinstance(v, (bool, np.bool_)): return 'true' if v else 'false'
        if isinstance(v, (int, float, np.integer, np.floating)): return str(int(v))
        return str(v)
    return s.astype(object).map(one)
out = {}
for c in te.columns:
    if c not in d['columns']:
        out[c] = te[c].tolist(); continue
    fit = text(tr[c]).dropna().to_frame()
    col = text(te[c])
    if d['method'] == 'onehot':
        enc = OneHotEncoder(handle_unknown='ignore', sparse_output=False).fit(fit)
        m = enc.transform(col.fillna('\\u0000missing').to_frame())
        for j, name in enumerate(enc.get_feature_names_out([c])): out[name] = [int(v) for v in m[:, j]]
    else:
        enc = OrdinalEncoder(handle_unknown='use_encoded_value', unknown_value=-1).fit(fit)
        m = enc.transform(col.fillna('\\u0000missing').to_frame())[:, 0]
        out[c] = [None if v is None else int(code) for v, code in zip(col, m)]
names = list(out.keys())
print(json.dumps([{k: out[k][i] for k in names} for i in range(len(te))]))
`;

async function encoded(method: 'onehot' | 'ordinal', columns: string[]) {
  const train = path.join(dir, 'train.parquet');
  const test = path.join(dir, 'test.parquet');
  const out = path.join(dir, `out-${method}.parquet`);
  const schema = await writeParquet(train, TRAIN);
  const testSchema = await writeParquet(test, TEST);
  const spec = await learnEncode(train, schema, columns, method);
  await applyTransformFile(spec, test, testSchema, out);
  return { spec, rows: await readParquet(out), expected: pandas(REFERENCE, { train, test, columns, method }), schema, testSchema, out };
}

const exact = (a: unknown, e: unknown, where: string) => expect(a, where).toEqual(e);

describe('prepare.encode', () => {
  it('one-hot: one 0/1 column per training value, unseen and missing values all 0, as scikit-learn (real DuckDB)', async () => {
    const { spec, rows, expected } = await encoded('onehot', ['island name', 'is adult?', 'grade level']);
    expect(spec.columns[0]!.categories).toEqual(['Biscoe', 'Dream "north"', "O'Hare", 'Torgersen ✓', 'Ærø']);
    expect(spec.columns[2]!.categories).toEqual(['10', '20', '30']);
    expectRowsClose(rows, expected, exact);
  });

  it('ordinal: codes by sorted training value, unseen = -1, missing stays missing, as scikit-learn (real DuckDB)', async () => {
    const { rows, expected, spec, testSchema, out } = await encoded('ordinal', ['island name', 'grade level', 'is adult?']);
    expectRowsClose(rows, expected, exact);
    const promised = definition.outputSchema!({
      params: definition.params.parse({ columns: ['island name', 'grade level', 'is adult?'], method: 'ordinal' }),
      inputs: { train: testSchema, apply: testSchema },
      dataset: () => undefined,
    });
    expect(promised.applied).toEqual((await describeParquet(out)).columns);
    expect(spec.columns.map((c) => c.categories.length)).toEqual([5, 3, 2]);
  });

  it('refuses columns it cannot encode and one-hot names that clash', async () => {
    const file = path.join(dir, 'clash.parquet');
    const schema = await writeParquet(file, `SELECT i % 2 AS a, CASE WHEN i % 2 = 0 THEN 'x' ELSE 'y' END AS k, 1 AS k_x, i::DOUBLE AS d FROM range(4) t(i)`);
    await expect(learnEncode(file, schema, ['k'], 'onehot')).rejects.toThrow('One-hot column "k_x" (from "k") would clash with another column of that name');
    await expect(learnEncode(file, schema, ['d'], 'onehot')).rejects.toThrow('Column "d" is DOUBLE: encode text, whole numbers or true/false columns');
    expect(
      definition.check!({ params: definition.params.parse({ columns: ['d'] }), inputs: { train: schema }, dataset: () => undefined }),
    ).toEqual([{ path: 'params.columns.0', message: '"d" is DOUBLE: encode text, whole-number or true/false columns' }]);
  });
});
