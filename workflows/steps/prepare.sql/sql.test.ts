import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSandboxedSelect, runSandboxedSelect, SqlError } from '../../../server/infra/sql-sandbox';
import { compilePipeline } from '../../core/compiler';
import { makeSqlLookup, sqlRequestKey, type SqlDescription } from '../../core/sql';
import { catalog } from '../catalog';
import { pandas, readTable, writePenguinFixture } from '../../../test/support/pandas';
import definition, { sqlRequest } from './definition';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-sql-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
const penguins = path.join(dir, 'penguins.parquet');
writePenguinFixture(penguins);
const islands = path.join(dir, 'islands.parquet');
pandas(
  `pd.DataFrame({'Island (name)': ['Biscoe', 'Dream', 'Ærø', "O'Brien"], 'area (km²)': [12.5, 3.0, 88.0, None]}).to_parquet(args['file'], index=False)`,
  { file: islands },
);

let outputs = 0;
/** Runs a query the way the prepare.sql step does: its inputs as `input` and `input2`, one output file. */
async function query(sql: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const outFile = path.join(dir, `out-${++outputs}.parquet`);
  await runSandboxedSelect({
    sql,
    tables: [
      { name: 'input', file: penguins },
      { name: 'input2', file: islands },
    ],
    outFile,
    timeoutMs: opts.timeoutMs ?? 30_000,
    signal: opts.signal,
  });
  return readTable(outFile);
}

async function refusal(sql: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SqlError> {
  const err = await query(sql, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, sql).toBeInstanceOf(SqlError);
  return err as SqlError;
}

describe('prepare.sql', () => {
  it('joins and aggregates two inputs like pandas does, with nulls, quotes, unicode and odd column names', async () => {
    const sql = `
      SELECT p."Island (name)", count(*) AS "rows", avg(p."Beak Length (mm)") AS "mean beak (mm)", max(i."area (km²)") AS area
      FROM input p LEFT JOIN input2 i USING ("Island (name)")
      GROUP BY 1
      ORDER BY 1 NULLS LAST -- a trailing comment`;
    const ours = await query(sql);
    const reference = pandas<{ columns: string[]; rows: unknown[][] }>(
      `
p = pd.read_parquet(args['penguins'])
i = pd.read_parquet(args['islands'])
m = p.merge(i, on='Island (name)', how='left')
g = m.groupby('Island (name)', dropna=False, sort=False)
out = pd.DataFrame({
    'rows': g.size(),
    'mean beak (mm)': g['Beak Length (mm)'].mean(),
    'area': g['area (km²)'].max(),
}).reset_index()
out = out.sort_values('Island (name)', na_position='last', key=lambda s: s.map(lambda v: v.encode('utf-8') if isinstance(v, str) else v)).reset_index(drop=True)
`,
      { penguins, islands },
    );
    expect(ours.columns).toEqual(reference.columns);
    expect(ours.rows.length).toBe(reference.rows.length);
    ours.rows.forEach((row, r) => {
      const want = reference.rows[r]!;
      expect(row[0]).toBe(want[0]);
      expect(row[1]).toBe(want[1]);
      if (want[2] === null) expect(row[2]).toBeNull();
      else expect(row[2] as number).toBeCloseTo(want[2] as number, 12);
      expect(row[3]).toBe(want[3]);
    });
  });

  it('passes text with quotes, unicode and line breaks through unchanged', async () => {
    const ours = await query('SELECT note, "Island (name)" FROM input');
    const reference = pandas<{ rows: unknown[][] }>(`out = pd.read_parquet(args['file'])[['note', 'Island (name)']]`, { file: penguins });
    expect(ours.rows).toEqual(reference.rows);
  });

  it('refuses reading any other file', async () => {
    const e = await refusal("SELECT * FROM read_csv('/etc/passwd')");
    expect(e.kind).toBe('permission');
    expect(e.message).toMatch(/Not allowed: Cannot access file "\/etc\/passwd".*only their own input tables/);
    const other = await refusal(`SELECT * FROM read_parquet('${path.join(dir, 'out-1.parquet')}')`);
    expect(other.kind).toBe('permission');
    expect((await refusal("SELECT * FROM glob('/etc/*')")).kind).toBe('permission');
  });

  it.each([
    ["COPY (SELECT * FROM input) TO '/tmp/millrace-stolen.csv'", 'COPY'],
    ['INSTALL httpfs', 'INSTALL'],
    ['LOAD httpfs', 'LOAD'],
    ["ATTACH '/tmp/millrace-other.db' AS other", 'ATTACH'],
    ["SET memory_limit = '100GB'", 'SET'],
    ['SET enable_external_access = true', 'SET'],
    ['PRAGMA threads = 8', 'PRAGMA'],
    ['CREATE TABLE t AS SELECT 1', 'CREATE'],
    ["EXPORT DATABASE '/tmp/millrace-export'", 'EXPORT'],
  ])('refuses %s as not a SELECT', async (sql, keyword) => {
    const e = await refusal(sql);
    expect(e.kind).toBe('statement');
    expect(e.message).toContain(`Only a SELECT query is allowed here, not ${keyword}`);
  });

  it('refuses more than one statement and text that tries to close the query it is wrapped in', async () => {
    const two = await refusal('SELECT 1; INSTALL httpfs');
    expect(two.message).toMatch(/Only a SELECT query is allowed|exactly one SELECT/);
    expect((await refusal('SELECT 1; SELECT 2')).message).toBe('Write exactly one SELECT query (found 2 statements)');
    const breakout = await refusal("SELECT 1) TO '/tmp/millrace-breakout.csv' (FORMAT csv); --");
    expect(breakout.kind).toBe('parse');
    await expect(fs.stat('/tmp/millrace-breakout.csv')).rejects.toThrow();
    expect((await refusal('   ')).message).toMatch(/empty/);
  });

  it('takes a query ending in semicolons and comments, and read-only forms DuckDB parses as a SELECT', async () => {
    expect((await query('SELECT count(*) AS n FROM input; -- all rows\n')).rows).toEqual([[8]]);
    expect((await query('FROM input SELECT n WHERE n > 6 ORDER BY n;;')).rows).toEqual([[7], [8]]);
    expect((await query('WITH t AS (SELECT n FROM input) SELECT max(n) AS m FROM t')).rows).toEqual([[8]]);
  });

  it('refuses statements smuggled through query()', async () => {
    for (const inner of ['INSTALL httpfs', 'SET enable_external_access = true', "ATTACH '':memory:'' AS x"]) {
      expect((await refusal(`SELECT * FROM query('${inner}')`)).message).toBe('Expected a single SELECT statement');
    }
  });

  it('keeps settings out of reach even from inside a SELECT', async () => {
    // Not even read: they name the data folder's paths (nothing in a SELECT can write a setting).
    const e = await refusal("SELECT current_setting('enable_external_access') AS e");
    expect(e.kind).toBe('permission');
    expect(e.message).toMatch(/current_setting\(\) reads the server's own settings/);
  });

  it('stops a query that runs away at the time limit', async () => {
    const started = Date.now();
    const e = await refusal('SELECT count(*) FROM range(1000000000000) a', { timeoutMs: 1000 });
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/stopped after 1 s/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops a query when the step is cancelled', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const e = await refusal('SELECT count(*) FROM range(1000000000000) a', { signal: abort.signal });
    expect(e.kind).toBe('cancelled');
  });

  it('describes a query without data: the types its output file will have, or the error and where it is', async () => {
    const tables = { input: [{ name: 'Beak Length (mm)', type: 'DOUBLE' }, { name: 'n', type: 'BIGINT' }, { name: 'Island (name)', type: 'VARCHAR' }] };
    expect(await describeSandboxedSelect({ sql: 'SELECT sum(n) AS total, "Island (name)" FROM input GROUP BY ALL', tables })).toEqual({
      ok: true,
      // HUGEINT in DuckDB, DOUBLE once written to Parquet: what the step will really produce.
      columns: [
        { name: 'total', type: 'DOUBLE' },
        { name: 'Island (name)', type: 'VARCHAR' },
      ],
    });
    expect(await describeSandboxedSelect({ sql: 'SELECT nope FROM input', tables })).toEqual({
      ok: false,
      message: expect.stringContaining('Referenced column "nope" not found'),
      position: 7,
    });
    expect(await describeSandboxedSelect({ sql: 'SELECT *\nFORM input', tables })).toEqual({ ok: false, message: expect.stringMatching(/^Syntax error/), position: 14 });
    expect(await describeSandboxedSelect({ sql: "SELECT * FROM read_csv('/etc/passwd')", tables })).toMatchObject({ ok: false, message: expect.stringContaining('Not allowed') });
    expect(await describeSandboxedSelect({ sql: 'INSTALL httpfs', tables })).toMatchObject({ ok: false, message: expect.stringContaining('not INSTALL') });
    // Binding only: a query over a huge range is described at once.
    expect(await describeSandboxedSelect({ sql: 'SELECT count(*) AS n FROM range(1000000000000)', tables })).toEqual({ ok: true, columns: [{ name: 'n', type: 'BIGINT' }] });
  });

  it('gets its output schema from the SQL description at design time, and reports SQL errors on params.sql', async () => {
    const doc = (sql: string) => ({
      apiVersion: 'millrace/v1',
      name: 'p',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
        { id: 'q', type: 'prepare.sql', params: { sql } },
        { id: 'split', type: 'prepare.split', params: { stratifyBy: 'Island (name)' } },
      ],
      edges: [
        { from: 'load.table', to: 'q.input' },
        { from: 'q.table', to: 'split.table' },
      ],
    });
    const datasets = () => ({ version: 1, columns: [{ name: 'Island (name)', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }] });
    const describeAll = async (sql: string) => {
      const first = compilePipeline(doc(sql), catalog, { datasets });
      expect(first.pendingSql).toHaveLength(1);
      const answers: [string, SqlDescription][] = [];
      for (const r of first.pendingSql) answers.push([sqlRequestKey(r), await describeSandboxedSelect(r)]);
      return compilePipeline(doc(sql), catalog, { datasets, sql: makeSqlLookup(answers) });
    };
    const good = await describeAll('SELECT "Island (name)", n * 2 AS twice FROM input');
    expect(good.ok && good.pendingSql).toEqual([]);
    expect(good.schemas.q!.outputs.table).toEqual([{ name: 'Island (name)', type: 'VARCHAR' }, { name: 'twice', type: 'BIGINT' }]);
    const lost = await describeAll('SELECT n FROM input');
    expect(lost.errors).toEqual([expect.objectContaining({ code: 'unknown_column', nodeId: 'split', path: 'params.stratifyBy' })]);
    const bad = await describeAll('SELECT n FROM input WHERE nope');
    expect(bad.errors).toEqual([expect.objectContaining({ code: 'invalid_sql', nodeId: 'q', path: 'params.sql', position: 26 })]);
  });

  it('has a default query over its first input and leaves a query over an unknown table undescribed', () => {
    expect(definition.params.parse({})).toEqual({ sql: 'SELECT *\nFROM input', timeoutSeconds: 300 });
    expect(sqlRequest('SELECT * FROM input JOIN input2 USING (id)', { input: [{ name: 'id', type: 'BIGINT' }] })).toBeUndefined();
    expect(sqlRequest('SELECT * FROM input', { input: [{ name: 'id', type: 'BIGINT' }] })).toEqual({ sql: 'SELECT * FROM input', tables: { input: [{ name: 'id', type: 'BIGINT' }] } });
  });
});
