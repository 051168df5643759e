import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AWKWARD_ROWS_SQL, pandasTable, parquetSchema, queryToParquet, readTable } from '../../../test/support/pandas-reference';
import { joinParquet } from './activity';
import { compilePipeline, makeDatasetLookup } from '../../core/compiler';
import { catalog } from '../catalog';
import definition, { JOIN_KINDS } from './definition';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-join-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
const leftFile = path.join(dir, 'left.parquet');
const rightFile = path.join(dir, 'right.parquet');
await queryToParquet(AWKWARD_ROWS_SQL, leftFile);
await queryToParquet(
  `SELECT * FROM (VALUES
    ('Ann "the" O''Brien', 'x', 1.5::DOUBLE, 10),
    ('日本語', 'y', NULL, 20),
    (NULL, 'z', 7.0, 30),
    ('nobody', 'w', 8.0, 40),
    ('Ann "the" O''Brien', NULL, 2.5, 50)
  ) AS t("customer name", "group", "price ($)", "id")`,
  rightFile,
);
const left = await parquetSchema(leftFile);
const right = await parquetSchema(rightFile);
const lookup = () => undefined;
const design = (params: unknown, inputs = { left, right }) => {
  const p = definition.params.parse(params);
  return { schema: definition.outputSchema!({ params: p, inputs, dataset: lookup }), issues: definition.check!({ params: p, inputs, dataset: lookup }) };
};
const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

// pandas matches empty keys with each other; SQL (and Millrace) never does, so the reference gives each
// empty key a value of its own before merging. Clashing names are suffixed by hand, as the step promises.
const PANDAS_JOIN = `
l = tables['l'].copy(); r = tables['r'].copy()
l['__k'] = l['Name (full)'].where(l['Name (full)'].notna(), ['__L%d' % i for i in range(len(l))])
r['__k'] = r['customer name'].where(r['customer name'].notna(), ['__R%d' % i for i in range(len(r))])
l = l.rename(columns={c: c + '_left' for c in ['group', 'price ($)', 'id']})
r = r.drop(columns=['customer name']).rename(columns={c: c + '_right' for c in ['group', 'price ($)', 'id']})
m = l.merge(r, on='__k', how=HOW)
m['Name (full)'] = m['__k'].where(~m['__k'].str.startswith('__'), None)
result = m.drop(columns=['__k'])`;

describe('prepare.join', () => {
  it.each(JOIN_KINDS)('%s join on differently named text keys equals pandas, with suffixed clashing columns', async (how) => {
    const params = definition.params.parse({ how, keys: [{ left: 'Name (full)', right: 'customer name' }] });
    const out = path.join(dir, `out-${how}.parquet`);
    await joinParquet(leftFile, rightFile, out, params);
    const expected = path.join(dir, `${how}-expected.parquet`);
    await pandasTable(PANDAS_JOIN.replace('HOW', `'${how === 'full' ? 'outer' : how}'`), { l: leftFile, r: rightFile }, expected);
    const got = await readTable(out);
    const want = await readTable(expected);
    expect(got.columns).toEqual(['id_left', 'Name (full)', 'price ($)_left', 'group_left', 'sold on', 'in stock', 'group_right', 'price ($)_right', 'id_right']);
    expect(want.columns.slice().sort()).toEqual(got.columns.slice().sort());
    const reorder = got.columns.map((c) => want.columns.indexOf(c));
    expect(sorted(got.rows)).toEqual(sorted(want.rows.map((r) => reorder.map((i) => r[i]))));
    expect(got.rows.length).toBe({ inner: 5, left: 8, right: 7, full: 10 }[how]);
    expect(design(params).schema.table).toEqual(await parquetSchema(out));
  });

  it('keeps left-table order, then unmatched right rows', async () => {
    const out = path.join(dir, 'order.parquet');
    await joinParquet(leftFile, rightFile, out, definition.params.parse({ how: 'full', keys: [{ left: 'Name (full)', right: 'customer name' }] }));
    const ids = (await readTable(out)).rows.map((r) => [r[0], r[8]]);
    expect(ids).toEqual([[1, 10], [1, 50], [2, null], [3, null], [4, null], [5, 20], [6, 10], [6, 50], [null, 30], [null, 40]]);
  });

  it('joins integer keys of different widths as BIGINT on two key pairs', async () => {
    const a = path.join(dir, 'a.parquet');
    const b = path.join(dir, 'b.parquet');
    await queryToParquet(`SELECT i::INTEGER AS "k (1)", (i % 2)::SMALLINT AS k2, i * 1.5 AS v FROM range(6) t(i)`, a);
    await queryToParquet(`SELECT i::BIGINT AS "key one", (i % 2)::TINYINT AS k2, 'r' || i AS v FROM range(3, 9) t(i)`, b);
    const params = definition.params.parse({ how: 'left', keys: [{ left: 'k (1)', right: 'key one' }, { left: 'k2', right: 'k2' }] });
    const out = path.join(dir, 'ints.parquet');
    await joinParquet(a, b, out, params);
    const expected = path.join(dir, 'ints-expected.parquet');
    await pandasTable(
      `l = tables['a']; r = tables['b'].rename(columns={'key one': 'k (1)'})
l = l.astype({'k (1)': 'int64', 'k2': 'int64'}); r = r.astype({'k (1)': 'int64', 'k2': 'int64'})
result = l.merge(r, on=['k (1)', 'k2'], how='left', suffixes=('_left', '_right'))`,
      { a, b },
      expected,
    );
    expect(await readTable(out)).toEqual(await readTable(expected));
    const schema = design(params, { left: await parquetSchema(a), right: await parquetSchema(b) }).schema.table;
    expect(schema).toEqual(await parquetSchema(out));
    expect(schema!.slice(0, 2)).toEqual([
      { name: 'k (1)', type: 'BIGINT' },
      { name: 'k2', type: 'BIGINT' },
    ]);
  });

  it('refuses keys of different types and clashing suffixes at design time, on the parameter path', () => {
    expect(design({ keys: [{ left: 'id', right: 'customer name' }] }).issues).toEqual([
      { path: 'params.keys.0.right', message: 'Key types differ: "id" is INTEGER on the left, "customer name" is VARCHAR on the right; cast one of them first' },
    ]);
    expect(design({ keys: [{ left: 'id', right: 'customer name' }] }).schema).toEqual({});
    expect(design({ keys: [{ left: 'Name (full)', right: 'customer name' }], leftSuffix: '_x', rightSuffix: '_x' }).issues[0]).toEqual({
      path: 'params.rightSuffix',
      message: 'The two suffixes must differ',
    });
    expect(design({ keys: [{ left: 'Name (full)', right: 'nope' }] }).issues).toEqual([{ path: 'params.keys.0.right', message: 'Column "nope" is not in the right table' }]);
    expect(definition.params.safeParse({ keys: [] }).success).toBe(false);
  });

  it('in a pipeline, marks a key type mismatch on the join node and promises the suffixed columns downstream', () => {
    const datasets = makeDatasetLookup([
      { name: 'orders', version: 1, columns: [{ name: 'customer', type: 'BIGINT' }, { name: 'total', type: 'DOUBLE' }] },
      { name: 'customers', version: 1, columns: [{ name: 'id', type: 'VARCHAR' }, { name: 'code', type: 'INTEGER' }, { name: 'total', type: 'DOUBLE' }] },
    ]);
    const doc = (keys: unknown) => ({
      apiVersion: 'millrace/v1',
      name: 'join-check',
      nodes: [
        { id: 'orders', type: 'ingest.dataset', params: { dataset: 'orders' } },
        { id: 'customers', type: 'ingest.dataset', params: { dataset: 'customers' } },
        { id: 'both', type: 'prepare.join', params: { how: 'left', keys } },
      ],
      edges: [
        { from: 'orders.table', to: 'both.left' },
        { from: 'customers.table', to: 'both.right' },
      ],
    });
    const bad = compilePipeline(doc([{ left: 'customer', right: 'id' }]), catalog, { datasets });
    expect(bad.errors).toEqual([
      {
        code: 'column_type',
        nodeId: 'both',
        path: 'params.keys.0.right',
        message: 'Key types differ: "customer" is BIGINT on the left, "id" is VARCHAR on the right; cast one of them first',
      },
    ]);
    const good = compilePipeline(doc([{ left: 'customer', right: 'code' }]), catalog, { datasets });
    expect(good.errors).toEqual([]);
    expect(good.schemas.both!.outputs.table).toEqual([
      { name: 'customer', type: 'BIGINT' },
      { name: 'total_left', type: 'DOUBLE' },
      { name: 'id', type: 'VARCHAR' },
      { name: 'total_right', type: 'DOUBLE' },
    ]);
  });

  it('joins an empty table to rows: nothing for inner, every right row for right', async () => {
    const empty = path.join(dir, 'empty.parquet');
    await queryToParquet(`SELECT * FROM (${AWKWARD_ROWS_SQL}) WHERE false`, empty);
    const keys = [{ left: 'Name (full)', right: 'customer name' }];
    const inner = path.join(dir, 'empty-inner.parquet');
    await joinParquet(empty, rightFile, inner, definition.params.parse({ keys }));
    expect((await readTable(inner)).rows).toEqual([]);
    const right = path.join(dir, 'empty-right.parquet');
    await joinParquet(empty, rightFile, right, definition.params.parse({ how: 'right', keys }));
    expect((await readTable(right)).rows.map((r) => r[1])).toEqual(['Ann "the" O\'Brien', '日本語', null, 'nobody', 'Ann "the" O\'Brien']);
  });
});
