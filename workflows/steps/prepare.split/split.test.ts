import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
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
});
