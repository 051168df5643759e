import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { pandasTable, parquetSchema, queryToParquet, readTable } from '../../../test/support/pandas-reference';
import { splitParquet } from './activity';
import definition from './definition';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-split-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const columns = [
  { name: 'label', type: 'VARCHAR' },
  { name: 'x', type: 'DOUBLE' },
];
const lookup = () => undefined;

describe('prepare.split', () => {
  it('passes its input columns to both outputs at design time', () => {
    expect(definition.outputSchema!({ params: definition.params.parse({}), inputs: { table: columns }, dataset: lookup })).toEqual({
      train: columns,
      test: columns,
    });
    expect(definition.outputSchema!({ params: definition.params.parse({}), inputs: {}, dataset: lookup })).toEqual({});
  });

  it('splits deterministically, keeping each class share (real DuckDB)', async () => {
    const source = path.join(dir, 'source.parquet');
    await withDuckDb((conn) =>
      conn.run(`COPY (SELECT CASE WHEN i % 4 = 0 THEN 'a' ELSE 'b' END AS label, i::DOUBLE AS x FROM range(1000) t(i))
                TO ${quoteLiteral(source)} (FORMAT parquet)`),
    );
    const count = (file: string, where = 'true') =>
      withDuckDb(async (conn) => Number((await conn.runAndReadAll(`SELECT count(*)::INT AS n FROM read_parquet(${quoteLiteral(file)}) WHERE ${where}`)).getRowObjectsJS()[0]!.n));
    const run = async (tag: string) => {
      const train = path.join(dir, `${tag}-train.parquet`);
      const test = path.join(dir, `${tag}-test.parquet`);
      await splitParquet(source, train, test, { testFraction: 0.2, seed: 7, stratifyBy: 'label' });
      return { train, test };
    };
    const a = await run('a');
    expect(await count(a.test)).toBe(200);
    expect(await count(a.train)).toBe(800);
    expect(await count(a.test, "label = 'a'")).toBe(50);
    const b = await run('b');
    const ids = (file: string) =>
      withDuckDb(async (conn) => (await conn.runAndReadAll(`SELECT x FROM read_parquet(${quoteLiteral(file)})`)).getRowObjectsJS().map((r) => r.x));
    expect(await ids(b.test)).toEqual(await ids(a.test));
  });

  it('by time puts the latest rows in the test table, like sorting in pandas (empty times earliest, ties in table order)', async () => {
    const source = path.join(dir, 'timed.parquet');
    await queryToParquet(
      `SELECT * FROM (VALUES
        (1, TIMESTAMP '2024-03-01 10:00', 'Zoë "q"'), (2, NULL, 'b'), (3, TIMESTAMP '2024-01-01 00:00', NULL),
        (4, TIMESTAMP '2024-05-01 09:30', 'd'), (5, TIMESTAMP '2024-03-01 10:00', 'e'), (6, TIMESTAMP '2023-12-31 23:59', 'f'),
        (7, TIMESTAMP '2024-05-01 09:30', '日本'), (8, NULL, 'h'), (9, TIMESTAMP '2024-02-02 02:02', 'i'), (10, TIMESTAMP '2024-04-04 04:04', 'j')
      ) AS t("row id", "seen at (UTC)", "note")`,
      source,
    );
    const train = path.join(dir, 'time-train.parquet');
    const test = path.join(dir, 'time-test.parquet');
    await splitParquet(source, train, test, { testFraction: 0.4, seed: 0, mode: 'time', timeColumn: 'seen at (UTC)' });
    for (const [part, file] of [['test', test], ['train', train]] as const) {
      const expected = path.join(dir, `time-${part}-expected.parquet`);
      await pandasTable(
        `t = tables['t']
ranked = t.assign(_r=range(len(t))).sort_values(['seen at (UTC)', '_r'], na_position='first', kind='mergesort')
k = round(len(t) * 0.4)
part = ranked.tail(k) if '${part}' == 'test' else ranked.head(len(t) - k)
result = part.sort_values('_r').drop(columns=['_r'])`,
        { t: source },
        expected,
      );
      expect(await readTable(file)).toEqual(await readTable(expected));
    }
    expect((await readTable(test)).rows.map((r) => r[0])).toEqual([4, 5, 7, 10]);
    const params = definition.params.parse({ mode: 'time', timeColumn: 'seen at (UTC)', testFraction: 0.4 });
    expect(definition.outputSchema!({ params, inputs: { table: await parquetSchema(source) }, dataset: lookup })).toEqual({
      train: await parquetSchema(train),
      test: await parquetSchema(test),
    });
  });

  it('random without stratification holds out the fraction, and the mode is checked at design time', async () => {
    const source = path.join(dir, 'plain.parquet');
    await queryToParquet('SELECT i AS "x (n)" FROM range(50) t(i)', source);
    const train = path.join(dir, 'plain-train.parquet');
    const test = path.join(dir, 'plain-test.parquet');
    await splitParquet(source, train, test, { testFraction: 0.2, seed: 1, mode: 'random' });
    const all = [...(await readTable(train)).rows, ...(await readTable(test)).rows].map((r) => r[0] as number);
    expect((await readTable(test)).rows).toHaveLength(10);
    expect(all.sort((a, b) => a - b)).toEqual([...Array(50).keys()]);

    const check = (params: unknown) =>
      definition.check!({ params: definition.params.parse(params), inputs: { table: [...columns, { name: 'day', type: 'DATE' }] }, dataset: lookup });
    expect(check({ mode: 'time' })).toEqual([{ path: 'params.timeColumn', message: 'A time split needs the column that orders the rows in time' }]);
    expect(check({ mode: 'time', timeColumn: 'label' })).toEqual([
      { path: 'params.timeColumn', message: '"label" is VARCHAR: a time column must be a date, a timestamp or a number' },
    ]);
    expect(check({ mode: 'time', timeColumn: 'day', stratifyBy: 'label' })).toEqual([{ path: 'params.stratifyBy', message: 'A time split does not stratify: clear "Stratify by"' }]);
    expect(check({ mode: 'stratified' })).toEqual([{ path: 'params.stratifyBy', message: 'A stratified split needs the column whose class balance to keep' }]);
    expect(check({ mode: 'time', timeColumn: 'day' })).toEqual([]);
    expect(check({ stratifyBy: 'label' })).toEqual([]);
  });
});
