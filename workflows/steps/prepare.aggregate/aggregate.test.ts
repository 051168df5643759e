import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AWKWARD_ROWS_SQL, pandasTable, parquetSchema, queryToParquet, readTable, rounded } from '../../../test/support/pandas-reference';
import { aggregateParquet } from './activity';
import definition from './definition';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-aggregate-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
const source = path.join(dir, 'source.parquet');
await queryToParquet(AWKWARD_ROWS_SQL, source);
const input = await parquetSchema(source);
const lookup = () => undefined;
const design = (params: unknown) => {
  const p = definition.params.parse(params);
  return { schema: definition.outputSchema!({ params: p, inputs: { table: input }, dataset: lookup }), issues: definition.check!({ params: p, inputs: { table: input }, dataset: lookup }) };
};

const EVERY_FUNCTION = [
  { fn: 'count' },
  { fn: 'count', column: 'Name (full)' },
  { fn: 'count_distinct', column: 'Name (full)' },
  { fn: 'sum', column: 'id' },
  { fn: 'sum', column: 'price ($)' },
  { fn: 'mean', column: 'price ($)' },
  { fn: 'median', column: 'id' },
  { fn: 'min', column: 'Name (full)' },
  { fn: 'max', column: 'price ($)' },
  { fn: 'std', column: 'price ($)', as: 'spread (std)' },
];

const PANDAS_AGGREGATES = `
def aggregate(g):
    return pd.DataFrame({
        'count': g.size(),
        'count_Name (full)': g['Name (full)'].count(),
        'count_distinct_Name (full)': g['Name (full)'].nunique(),
        'sum_id': g['id'].sum(),
        'sum_price ($)': g['price ($)'].sum(min_count=1),
        'mean_price ($)': g['price ($)'].mean(),
        'median_id': g['id'].median(),
        'min_Name (full)': g['Name (full)'].agg(lambda s: s.dropna().min() if s.notna().any() else None),
        'max_price ($)': g['price ($)'].max(),
        'spread (std)': g['price ($)'].std(),
    })`;

describe('prepare.aggregate', () => {
  it('computes every function per group like pandas (empty group values form a group, sorted last)', async () => {
    const params = definition.params.parse({ groupBy: ['group', 'in stock'], aggregates: EVERY_FUNCTION });
    const out = path.join(dir, 'grouped.parquet');
    await aggregateParquet(source, out, params);
    const expected = path.join(dir, 'grouped-expected.parquet');
    await pandasTable(
      `${PANDAS_AGGREGATES}
result = aggregate(tables['t'].groupby(['group', 'in stock'], dropna=False, sort=True)).reset_index()`,
      { t: source },
      expected,
    );
    const got = await readTable(out);
    const want = await readTable(expected);
    expect(got.columns).toEqual(want.columns);
    expect(rounded(got.rows)).toEqual(rounded(want.rows));
    expect(got.rows.map((r) => r.slice(0, 3))).toEqual([
      ['a', true, 2],
      ['a', null, 1],
      ['b', false, 2],
      [null, true, 1],
    ]);
    const { schema, issues } = design(params);
    expect(issues).toEqual([]);
    expect(schema.table).toEqual(await parquetSchema(out));
  });

  it('without group columns gives one row for the whole table', async () => {
    const params = definition.params.parse({ aggregates: EVERY_FUNCTION });
    const out = path.join(dir, 'whole.parquet');
    await aggregateParquet(source, out, params);
    const expected = path.join(dir, 'whole-expected.parquet');
    await pandasTable(
      `${PANDAS_AGGREGATES}
result = aggregate(tables['t'].assign(_all=0).groupby('_all')).reset_index(drop=True)`,
      { t: source },
      expected,
    );
    expect(rounded((await readTable(out)).rows)).toEqual(rounded((await readTable(expected)).rows));
    expect(design(params).schema.table).toEqual(await parquetSchema(out));
  });

  it('counts rows by default and names results function_column', () => {
    expect(definition.params.parse({})).toEqual({ aggregates: [{ fn: 'count' }] });
    expect(design({ groupBy: ['group'] }).schema.table).toEqual([
      { name: 'group', type: 'VARCHAR' },
      { name: 'count', type: 'BIGINT' },
    ]);
    expect(design({ aggregates: [{ fn: 'mean', column: 'id' }] }).schema.table).toEqual([{ name: 'mean_id', type: 'DOUBLE' }]);
  });

  it('refuses numeric functions of text, missing columns and clashing names on the parameter path', () => {
    expect(design({ aggregates: [{ fn: 'count' }, { fn: 'sum', column: 'Name (full)' }] }).issues).toEqual([
      { path: 'params.aggregates.1.column', message: 'Cannot take the sum of "Name (full)": it is VARCHAR, not a number' },
    ]);
    expect(design({ aggregates: [{ fn: 'median' }] }).issues).toEqual([{ path: 'params.aggregates.0.column', message: 'Pick the column to take the median of' }]);
    expect(design({ groupBy: ['group'], aggregates: [{ fn: 'max', column: 'id', as: 'group' }] }).issues).toEqual([
      { path: 'params.aggregates.0.as', message: 'Two output columns would be called "group": give this one another name' },
    ]);
    expect(design({ aggregates: [{ fn: 'sum', column: 'Name (full)' }] }).schema).toEqual({});
  });

  it('names a group column that vanished upstream when it runs', async () => {
    await expect(aggregateParquet(source, path.join(dir, 'gone.parquet'), definition.params.parse({ groupBy: ['region'] }))).rejects.toThrow(
      'Group-by column "region" is not in the table',
    );
  });

  it('gives no groups for an empty table, and one row of zero counts without groups', async () => {
    const empty = path.join(dir, 'empty.parquet');
    await queryToParquet(`SELECT * FROM (${AWKWARD_ROWS_SQL}) WHERE false`, empty);
    const grouped = path.join(dir, 'empty-grouped.parquet');
    await aggregateParquet(empty, grouped, definition.params.parse({ groupBy: ['group'], aggregates: EVERY_FUNCTION }));
    expect((await readTable(grouped)).rows).toEqual([]);
    const whole = path.join(dir, 'empty-whole.parquet');
    await aggregateParquet(empty, whole, definition.params.parse({ aggregates: [{ fn: 'count' }, { fn: 'mean', column: 'id' }] }));
    expect((await readTable(whole)).rows).toEqual([[0, null]]);
  });
});
