import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeParquet } from '../../../server/infra/duckdb';
import { describeSandboxedSelect, runSandboxedSelect, SqlError } from '../../../server/infra/sql-sandbox';
import { compilePipeline } from '../../core/compiler';
import { makeSqlLookup, sqlRequestKey, type SqlDescription } from '../../core/sql';
import { catalog } from '../catalog';
import { pandas, readTable, writePenguinFixture } from '../../../test/support/pandas';
import definition, { deriveSql } from './definition';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-derive-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
const penguins = path.join(dir, 'penguins.parquet');
writePenguinFixture(penguins);

let outputs = 0;
/** What the step's activity does: the input's columns, the derive query, the locked-down DuckDB. */
async function derive(name: string, expression: string) {
  const { columns } = await describeParquet(penguins);
  const outFile = path.join(dir, `out-${++outputs}.parquet`);
  await runSandboxedSelect({ sql: deriveSql(columns.map((c) => c.name), name, expression).sql, tables: [{ name: 'input', file: penguins }], outFile, timeoutMs: 30_000 });
  return readTable(outFile);
}

type Frame = { columns: string[]; rows: unknown[][] };

describe('prepare.derive', () => {
  it('adds a numeric column like pandas, missing values staying missing', async () => {
    const ours = await derive('beak (cm) + n', '"Beak Length (mm)" / 10 + n');
    const reference = pandas<Frame>(
      `df = pd.read_parquet(args['file'])\ndf['beak (cm) + n'] = df['Beak Length (mm)'] / 10 + df['n']\nout = df`,
      { file: penguins },
    );
    expect(ours.columns).toEqual(reference.columns);
    ours.rows.forEach((row, r) => {
      const want = reference.rows[r]!;
      expect(row.slice(0, 4)).toEqual(want.slice(0, 4));
      if (want[4] === null) expect(row[4]).toBeNull();
      else expect(row[4] as number).toBeCloseTo(want[4] as number, 12);
    });
  });

  it('computes text with quotes and unicode, and replaces an existing column where it stands', async () => {
    const ours = await derive('note', `CASE WHEN "Island (name)" = 'Torgersen "T"' THEN 'it''s T' ELSE upper(note) || ' ✓' END`);
    const reference = pandas<Frame>(
      `
df = pd.read_parquet(args['file'])
df['note'] = np.where(df['Island (name)'] == 'Torgersen "T"', "it's T", df['note'].str.upper() + ' ✓')
df['note'] = df['note'].where(~(df['note'].isna() | (df['note'] == 'nan')), None)
out = df`,
      { file: penguins },
    );
    expect(ours.columns).toEqual(['Island (name)', 'Beak Length (mm)', 'note', 'n']);
    expect(ours).toEqual(reference);
  });

  it('fails with the expression named when the expression is wrong', async () => {
    const err = await derive('x', 'nope + 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).message).toContain('Referenced column "nope" not found');
    // An expression cannot smuggle in a second statement.
    const smuggled = await derive('x', "1 AS y FROM input; COPY input TO '/tmp/millrace-derive.csv'; SELECT 1").catch((e: unknown) => e);
    expect(smuggled).toBeInstanceOf(SqlError);
    await expect(fs.stat('/tmp/millrace-derive.csv')).rejects.toThrow();
  });

  it('has its output schema from DuckDB at design time, and SQL errors point into the expression', async () => {
    const doc = (expression: string) => ({
      apiVersion: 'millrace/v1',
      name: 'p',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
        { id: 'ratio', type: 'prepare.derive', params: { name: 'ratio', expression } },
        { id: 'split', type: 'prepare.split', params: { stratifyBy: 'ratio' } },
      ],
      edges: [
        { from: 'load.table', to: 'ratio.table' },
        { from: 'ratio.table', to: 'split.table' },
      ],
    });
    const datasets = () => ({ version: 1, columns: [{ name: 'Beak Length (mm)', type: 'DOUBLE' }, { name: 'n', type: 'BIGINT' }] });
    const compile = async (expression: string) => {
      const first = compilePipeline(doc(expression), catalog, { datasets });
      const answers: [string, SqlDescription][] = [];
      for (const r of first.pendingSql) answers.push([sqlRequestKey(r), await describeSandboxedSelect(r)]);
      return compilePipeline(doc(expression), catalog, { datasets, sql: makeSqlLookup(answers) });
    };
    const good = await compile('"Beak Length (mm)" / n');
    expect(good.ok).toBe(true);
    expect(good.schemas.split!.inputs.table).toEqual([
      { name: 'Beak Length (mm)', type: 'DOUBLE' },
      { name: 'n', type: 'BIGINT' },
      { name: 'ratio', type: 'DOUBLE' },
    ]);
    const bad = await compile('"Beak Length (mm)" / nn');
    expect(bad.errors).toEqual([
      expect.objectContaining({ code: 'invalid_sql', nodeId: 'ratio', path: 'params.expression', position: 21, message: expect.stringContaining('"nn" not found') }),
    ]);
    // Positions count from the text as written, leading blank lines included.
    const later = await compile('\n\n  "Beak Length (mm)" / nn');
    expect(later.errors).toEqual([expect.objectContaining({ code: 'invalid_sql', position: 25 })]);
    const syntax = await compile('CASE WHEN THEN 1 END');
    expect(syntax.errors).toEqual([
      expect.objectContaining({ code: 'invalid_sql', path: 'params.expression', position: 10, message: 'Syntax error at or near "THEN"' }),
    ]);
  });

  it('requires a name and an expression', () => {
    const r = definition.params.safeParse({ name: ' ', expression: '' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).sort()).toEqual(['Name the new column', 'Write an expression']);
  });
});
