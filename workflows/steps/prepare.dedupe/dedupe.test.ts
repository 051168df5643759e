import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AWKWARD_ROWS_SQL, pandasTable, parquetSchema, queryToParquet, readTable } from '../../../test/support/pandas-reference';
import { dedupeParquet } from './activity';
import definition from './definition';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-dedupe-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
const source = path.join(dir, 'source.parquet');
// The awkward rows twice over, minus the id, so whole rows repeat (including one full of empty values).
await queryToParquet(`SELECT * EXCLUDE (id) FROM (${AWKWARD_ROWS_SQL} UNION ALL (${AWKWARD_ROWS_SQL})) ORDER BY id, "Name (full)"`, source);

describe('prepare.dedupe', () => {
  it.each([
    ['whole rows', undefined, 'None'],
    ['chosen columns', ['group', 'in stock'], "['group', 'in stock']"],
  ])('keeps the first of each duplicate on %s, like pandas drop_duplicates', async (_what, columns, subset) => {
    const out = path.join(dir, `out-${subset.length}.parquet`);
    const result = await dedupeParquet(source, out, definition.params.parse({ columns }));
    const expected = path.join(dir, `expected-${subset.length}.parquet`);
    await pandasTable(`result = tables['t'].drop_duplicates(subset=${subset}, keep='first')`, { t: source }, expected);
    const got = await readTable(out);
    expect(got).toEqual(await readTable(expected));
    expect(result.rows + result.removed).toBe(12);
    expect(result.rows).toBe(columns ? 4 : 5);
    const input = await parquetSchema(source);
    expect(definition.outputSchema!({ params: definition.params.parse({ columns }), inputs: { table: input }, dataset: () => undefined }).table).toEqual(
      await parquetSchema(out),
    );
  });

  it('names a compared column that is missing', async () => {
    await expect(dedupeParquet(source, path.join(dir, 'bad.parquet'), { columns: ['nope'] })).rejects.toThrow('Compare column "nope" is not in the table');
  });

  it('keeps an empty table empty', async () => {
    const empty = path.join(dir, 'empty.parquet');
    await queryToParquet(`SELECT * FROM (${AWKWARD_ROWS_SQL}) WHERE false`, empty);
    expect(await dedupeParquet(empty, path.join(dir, 'empty-out.parquet'), {})).toEqual({ rows: 0, removed: 0 });
  });
});
