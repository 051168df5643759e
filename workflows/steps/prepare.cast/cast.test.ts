import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AWKWARD_ROWS_SQL, pandasTable, parquetSchema, queryToParquet, readTable } from '../../../test/support/pandas-reference';
import { castParquet } from './activity';
import definition from './definition';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-cast-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
const source = path.join(dir, 'source.parquet');
await queryToParquet(
  `SELECT * FROM (VALUES
    (1, '12', '2024-01-03', 'yes', 4.0::DOUBLE),
    (2, ' 7 ', '2024-13-01', 'false', 2.5),
    (3, '3.5', NULL, NULL, NULL),
    (4, 'it''s "odd"', '2024-02-29', '1', -3.0),
    (5, NULL, 'soon', 'maybe', 1e20),
    (6, '1e3', '2023-12-31', 'F', 0.0),
    (7, 'Ünïcode ✓', '2024-02-30', 'T', 7.0)
  ) AS t("row", "raw (value)", "when it happened", "flag?", "amount ($)")`,
  source,
);
const input = await parquetSchema(source);
const lookup = () => undefined;
const design = (params: unknown, table = input) => {
  const p = definition.params.parse(params);
  return { schema: definition.outputSchema!({ params: p, inputs: { table }, dataset: lookup }), issues: definition.check!({ params: p, inputs: { table }, dataset: lookup }) };
};
let n = 0;
const cast = async (params: unknown) => {
  const out = path.join(dir, `out-${n++}.parquet`);
  const nulled = await castParquet(source, out, definition.params.parse(params));
  return { out, nulled, table: await readTable(out) };
};

describe('prepare.cast', () => {
  it('turns text into numbers and dates like pandas, leaving what does not convert empty when asked, and counting it', async () => {
    const params = { casts: [{ column: 'raw (value)', to: 'number' }, { column: 'when it happened', to: 'date' }], onError: 'null' };
    const { out, nulled, table } = await cast(params);
    expect(nulled).toEqual({ 'raw (value)': 2, 'when it happened': 3 });
    const expected = path.join(dir, 'expected.parquet');
    await pandasTable(
      `t = tables['t'].copy()
t['raw (value)'] = pd.to_numeric(t['raw (value)'].str.strip(), errors='coerce')
t['when it happened'] = pd.to_datetime(t['when it happened'], format='%Y-%m-%d', errors='coerce').dt.date
result = t`,
      { t: source },
      expected,
    );
    expect(table).toEqual(await readTable(expected));
    expect(design(params).schema.table).toEqual(await parquetSchema(out));
    expect((await parquetSchema(out)).map((c) => c.type)).toEqual(['INTEGER', 'DOUBLE', 'DATE', 'VARCHAR', 'DOUBLE']);
  });

  it('makes integers only of whole numbers, and reads booleans and text as hand-computed', async () => {
    const params = {
      casts: [
        { column: 'raw (value)', to: 'integer' },
        { column: 'amount ($)', to: 'integer' },
        { column: 'flag?', to: 'boolean' },
        { column: 'row', to: 'text' },
      ],
      onError: 'null',
    };
    const { out, nulled, table } = await cast(params);
    expect(nulled).toEqual({ 'raw (value)': 3, 'amount ($)': 2, 'flag?': 1, row: 0 });
    expect(table.rows.map((r) => r.slice(0, 2))).toEqual([['1', 12], ['2', 7], ['3', null], ['4', null], ['5', null], ['6', 1000], ['7', null]]);
    expect(table.rows.map((r) => r[3])).toEqual([true, false, null, true, null, false, true]);
    expect(table.rows.map((r) => r[4])).toEqual([4, null, null, -3, null, 0, 7]);
    expect(design(params).schema.table).toEqual(await parquetSchema(out));
  });

  it('by default stops at the first value that does not convert, naming column, row and value', async () => {
    await expect(cast({ casts: [{ column: 'row', to: 'number' }, { column: 'raw (value)', to: 'integer' }] })).rejects.toThrow(
      'Column "raw (value)", row 3: the value "3.5" does not convert to integer (3 values in this column do not). ' +
        'Fix the data, or set "When a value does not convert" to null.',
    );
    await expect(cast({ casts: [{ column: 'raw (value)', to: 'number' }] })).rejects.toThrow('row 4: the value "it\'s \\"odd\\"" does not convert to number (2 values');
  });

  it('refuses conversions that can never work, and converting a column twice, on the parameter path', async () => {
    const awkward = path.join(dir, 'awkward.parquet');
    await queryToParquet(AWKWARD_ROWS_SQL, awkward);
    const table = await parquetSchema(awkward);
    expect(design({ casts: [{ column: 'sold on', to: 'number' }] }, table).issues).toEqual([
      { path: 'params.casts.0.to', message: '"sold on" is DATE: its values cannot become numbers' },
    ]);
    expect(design({ casts: [{ column: 'id', to: 'timestamp' }, { column: 'id', to: 'text' }] }, table).issues).toEqual([
      { path: 'params.casts.0.to', message: '"id" is INTEGER: its values cannot become timestamps' },
      { path: 'params.casts.1.column', message: '"id" is converted twice' },
    ]);
    expect(design({ casts: [{ column: 'sold on', to: 'timestamp' }, { column: 'in stock', to: 'integer' }] }, table).schema.table!.map((c) => c.type)).toEqual([
      'INTEGER',
      'VARCHAR',
      'DOUBLE',
      'VARCHAR',
      'TIMESTAMP',
      'BIGINT',
    ]);
  });

  it('converts an empty table, giving its columns the new types', async () => {
    const empty = path.join(dir, 'empty.parquet');
    await queryToParquet(`SELECT * FROM read_parquet('${source}') WHERE false`, empty);
    const out = path.join(dir, 'empty-out.parquet');
    expect(await castParquet(empty, out, definition.params.parse({ casts: [{ column: 'raw (value)', to: 'integer' }] }))).toEqual({ 'raw (value)': 0 });
    expect((await parquetSchema(out))[1]).toEqual({ name: 'raw (value)', type: 'BIGINT' });
  });
});
