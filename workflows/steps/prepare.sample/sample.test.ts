import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AWKWARD_ROWS_SQL, pandasTable, parquetSchema, queryToParquet, readTable } from '../../../test/support/pandas-reference';
import { sampleParquet } from './activity';
import definition from './definition';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-sample-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
const source = path.join(dir, 'source.parquet');
// 600 rows: the awkward rows 100 times, each with its own row id.
await queryToParquet(
  `SELECT (r.i * 6 + a.id) AS "row id", a.* EXCLUDE (id) FROM range(100) r(i), (${AWKWARD_ROWS_SQL}) a ORDER BY r.i, a.id`,
  source,
);
let n = 0;
const sample = async (params: unknown) => {
  const out = path.join(dir, `sample-${n++}.parquet`);
  const result = await sampleParquet(source, out, definition.params.parse(params));
  return { out, result, table: await readTable(out) };
};

describe('prepare.sample', () => {
  it('keeps exactly the rows asked for, unchanged and in table order, like selecting those ids in pandas', async () => {
    const { out, result, table } = await sample({ size: 'rows', rows: 50, seed: 3 });
    expect(result).toEqual({ rows: 50, of: 600 });
    expect(table.rows).toHaveLength(50);
    const ids = table.rows.map((r) => r[0] as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(50);
    const expected = path.join(dir, 'expected.parquet');
    await pandasTable(`t = tables['t']; s = tables['s']\nresult = t[t['row id'].isin(s['row id'])]`, { t: source, s: out }, expected);
    expect(table).toEqual(await readTable(expected));
    expect(definition.outputSchema!({ params: definition.params.parse({}), inputs: { table: await parquetSchema(source) }, dataset: () => undefined }).table).toEqual(
      await parquetSchema(out),
    );
  });

  it('is the same sample for the same seed, another for another seed, and spreads over the table', async () => {
    const a = await sample({ fraction: 0.25, seed: 11 });
    const b = await sample({ fraction: 0.25, seed: 11 });
    const c = await sample({ fraction: 0.25, seed: 12 });
    expect(a.table.rows).toHaveLength(150);
    expect(b.table).toEqual(a.table);
    expect(c.table).not.toEqual(a.table);
    const firstHalf = a.table.rows.filter((r) => (r[0] as number) <= 300).length;
    expect(firstHalf).toBeGreaterThan(50);
    expect(firstHalf).toBeLessThan(100);
  });

  it('keeps every row when asked for more rows than there are', async () => {
    const { table } = await sample({ size: 'rows', rows: 10_000 });
    expect(table).toEqual(await readTable(source));
  });

  it('samples an empty table to an empty table', async () => {
    const empty = path.join(dir, 'empty.parquet');
    await queryToParquet(`SELECT * FROM (${AWKWARD_ROWS_SQL}) WHERE false`, empty);
    const out = path.join(dir, 'empty-out.parquet');
    expect(await sampleParquet(empty, out, definition.params.parse({ fraction: 0.5 }))).toEqual({ rows: 0, of: 0 });
    expect((await readTable(out)).rows).toEqual([]);
  });
});
