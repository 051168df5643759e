import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AWKWARD_ROWS_SQL, pandasTable, parquetSchema, queryToParquet, readTable } from '../../../test/support/pandas-reference';
import { selectParquet } from './activity';
import definition from './definition';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-select-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
const source = path.join(dir, 'source.parquet');
await queryToParquet(AWKWARD_ROWS_SQL, source);
const input = await parquetSchema(source);
const lookup = () => undefined;
const design = (params: unknown) => {
  const p = definition.params.parse(params);
  return { schema: definition.outputSchema!({ params: p, inputs: { table: input }, dataset: lookup }), issues: definition.check!({ params: p, inputs: { table: input }, dataset: lookup }) };
};

describe('prepare.select', () => {
  it('keeps, drops, moves and renames like pandas, and its design-time schema is the file it writes', async () => {
    const params = {
      keep: ['in stock', 'Name (full)', 'price ($)', 'id', 'sold on'],
      drop: ['sold on'],
      moveFirst: ['id'],
      rename: [
        { from: 'Name (full)', to: 'Full "name"' },
        { from: 'price ($)', to: 'préis (€)' },
      ],
    };
    const out = path.join(dir, 'out.parquet');
    await selectParquet(source, out, definition.params.parse(params));
    const expected = path.join(dir, 'expected.parquet');
    await pandasTable(
      `df = tables['t'][['in stock', 'Name (full)', 'price ($)', 'id', 'sold on']].drop(columns=['sold on'])
df = df[['id'] + [c for c in df.columns if c != 'id']]
result = df.rename(columns={'Name (full)': 'Full "name"', 'price ($)': 'préis (€)'})`,
      { t: source },
      expected,
    );
    const got = await readTable(out);
    expect(got.columns).toEqual(['id', 'in stock', 'Full "name"', 'préis (€)']);
    expect(got).toEqual(await readTable(expected));
    const { schema, issues } = design(params);
    expect(issues).toEqual([]);
    expect(schema.table).toEqual(await parquetSchema(out));
    expect(schema.table!.map((c) => c.type)).toEqual(['INTEGER', 'BOOLEAN', 'VARCHAR', 'DOUBLE']);
  });

  it('with no parameters passes the table through unchanged', async () => {
    const out = path.join(dir, 'same.parquet');
    await selectParquet(source, out, definition.params.parse({}));
    expect(await readTable(out)).toEqual(await readTable(source));
    expect(design({}).schema.table).toEqual(input);
  });

  it('reports clashing renames, renaming a dropped column and dropping everything on the parameter path', async () => {
    expect(design({ rename: [{ from: 'id', to: 'group' }] }).issues).toEqual([
      { path: 'params.rename.0.to', message: 'Two output columns would be called "group"' },
    ]);
    expect(design({ drop: ['id'], rename: [{ from: 'id', to: 'key' }] }).issues).toEqual([
      { path: 'params.rename.0.from', message: '"id" is not kept, so it cannot be renamed' },
    ]);
    expect(design({ drop: input.map((c) => c.name) }).issues).toEqual([{ path: 'params.drop', message: 'No column would be left' }]);
    expect(design({ drop: ['id'], rename: [{ from: 'id', to: 'key' }] }).schema).toEqual({});
    await expect(selectParquet(source, path.join(dir, 'gone.parquet'), definition.params.parse({ keep: ['id', 'vanished'] }))).rejects.toThrow(
      'Keep column "vanished" is not in the table',
    );
    await expect(selectParquet(source, path.join(dir, 'bad.parquet'), definition.params.parse({ rename: [{ from: 'id', to: 'group' }] }))).rejects.toThrow(
      'params.rename.0.to: Two output columns would be called "group"',
    );
  });

  it('passes an empty table through with its columns', async () => {
    const empty = path.join(dir, 'empty.parquet');
    await queryToParquet(`SELECT * FROM (${AWKWARD_ROWS_SQL}) WHERE false`, empty);
    const out = path.join(dir, 'empty-out.parquet');
    await selectParquet(empty, out, definition.params.parse({ drop: ['id'] }));
    expect(await readTable(out)).toEqual({ columns: input.slice(1).map((c) => c.name), rows: [] });
  });
});
