import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeParquet } from '../../../server/infra/duckdb';
import { describeSandboxedSelect, runSandboxedSelect } from '../../../server/infra/sql-sandbox';
import { compilePipeline } from '../../core/compiler';
import { makeSqlLookup, sqlRequestKey, type SqlDescription } from '../../core/sql';
import { catalog } from '../catalog';
import { pandas, readTable, writePenguinFixture } from '../../../test/support/pandas';
import definition, { filterSql } from './definition';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-filter-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
const penguins = path.join(dir, 'penguins.parquet');
writePenguinFixture(penguins);

let outputs = 0;
/** What the step's activity does: the input's schema, the filter query, the locked-down DuckDB. */
async function filter(raw: Record<string, unknown>) {
  const params = definition.params.parse(raw);
  const { columns } = await describeParquet(penguins);
  const built = filterSql(columns, params);
  if ('issues' in built) throw new Error(JSON.stringify(built.issues));
  const outFile = path.join(dir, `out-${++outputs}.parquet`);
  await runSandboxedSelect({ sql: built.sql, tables: [{ name: 'input', file: penguins }], outFile, timeoutMs: 30_000 });
  return readTable(outFile);
}

type Frame = { columns: string[]; rows: unknown[][] };
const reference = (mask: string) => pandas<Frame>(`df = pd.read_parquet(args['file'])\nout = df[${mask}]`, { file: penguins });

describe('prepare.filter', () => {
  it('keeps rows matching all conditions like pandas; "!=" keeps missing values, ">" never matches them', async () => {
    const ours = await filter({
      conditions: [
        { column: 'Island (name)', op: '!=', value: 'Dream' },
        { column: 'Beak Length (mm)', op: '>', value: '39' },
      ],
    });
    const want = reference(`(df['Island (name)'] != 'Dream') & (df['Beak Length (mm)'] > 39)`);
    expect(ours).toEqual(want);
    expect(ours.rows.length).toBeGreaterThan(1);
    expect(ours.rows.some((r) => r[0] === null)).toBe(true);
  });

  it('keeps rows matching any condition: text operators with quotes and unicode, and missing values', async () => {
    const ours = await filter({
      match: 'any',
      conditions: [
        { column: 'note', op: 'contains', value: '"quoted"' },
        { column: 'note', op: 'starts with', value: 'ünï' },
        { column: 'Island (name)', op: 'ends with', value: "'Brien" },
        { column: 'n', op: 'is missing' },
      ],
    });
    const want = reference(
      `df['note'].str.contains('"quoted"', regex=False, na=False) | df['note'].str.startswith('ünï', na=False) | df['Island (name)'].str.endswith("'Brien", na=False) | df['n'].isna()`,
    );
    expect(ours).toEqual(want);
    expect(ours.rows).toHaveLength(4);
  });

  it('combines the form with an SQL condition', async () => {
    const ours = await filter({
      conditions: [{ column: 'n', op: 'is not missing' }, { column: 'n', op: '<=', value: 7 }],
      expression: `"Beak Length (mm)" BETWEEN 37 AND 40 OR note LIKE '%''%'`,
    });
    const want = reference(
      `df['n'].notna() & (df['n'] <= 7) & (df['Beak Length (mm)'].between(37, 40) | df['note'].str.contains("'", regex=False, na=False))`,
    );
    expect(ours).toEqual(want);
    const only = await filter({ expression: `"Island (name)" = 'Ærø'` });
    expect(only).toEqual(reference(`df['Island (name)'] == 'Ærø'`));
  });

  it('reports conditions that cannot work on the node, before anything runs', () => {
    const schema = [
      { name: 'n', type: 'BIGINT' },
      { name: 'ok', type: 'BOOLEAN' },
    ];
    const check = (raw: Record<string, unknown>) =>
      definition.check!({ params: definition.params.parse(raw), inputs: { table: schema }, dataset: () => undefined });
    expect(check({ conditions: [{ column: 'n', op: '>', value: 'abc' }] })).toEqual([
      { path: 'params.conditions.0.value', message: '"n" is a number column (BIGINT); "abc" is not a number' },
    ]);
    expect(check({ conditions: [{ column: 'x', op: '=', value: 1 }, { column: 'ok', op: '=', value: 'yes' }, { column: 'n', op: '=' }] })).toEqual([
      { path: 'params.conditions.0.column', message: 'Column "x" does not exist (columns: "n", "ok")' },
      { path: 'params.conditions.1.value', message: '"ok" is a true/false column; write true or false' },
      { path: 'params.conditions.2.value', message: '"=" needs a value' },
    ]);
    expect(check({})).toEqual([{ path: 'params.conditions', message: 'Add a condition or write an SQL condition' }]);
    expect(check({ expression: ' \n ' })).toEqual([{ path: 'params.conditions', message: 'Add a condition or write an SQL condition' }]);
    expect(check({ conditions: [{ column: 'ok', op: '=', value: 'TRUE' }] })).toEqual([]);
  });

  it('checks the SQL condition with DuckDB at design time and keeps the input columns', async () => {
    const doc = (expression: string) => ({
      apiVersion: 'millrace/v1',
      name: 'p',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
        { id: 'keep', type: 'prepare.filter', params: { expression } },
      ],
      edges: [{ from: 'load.table', to: 'keep.table' }],
    });
    const columns = [{ name: 'Beak Length (mm)', type: 'DOUBLE' }];
    const datasets = () => ({ version: 1, columns });
    const compile = async (expression: string) => {
      const first = compilePipeline(doc(expression), catalog, { datasets });
      const answers: [string, SqlDescription][] = [];
      for (const r of first.pendingSql) answers.push([sqlRequestKey(r), await describeSandboxedSelect(r)]);
      return compilePipeline(doc(expression), catalog, { datasets, sql: makeSqlLookup(answers) });
    };
    const good = await compile('"Beak Length (mm)" > 3');
    expect(good.ok).toBe(true);
    expect(good.schemas.keep!.outputs.table).toEqual(columns);
    const bad = await compile('"Beak Length (mm)" > 3 AND beak < 2');
    expect(bad.errors).toEqual([expect.objectContaining({ code: 'invalid_sql', nodeId: 'keep', path: 'params.expression', position: 27 })]);
  });
});
