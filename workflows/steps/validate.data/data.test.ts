import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { pythonExecutable } from '../../../server/infra/python-paths';
import { EXIT_AT_ONCE } from '../../../test/support/pandas';
import { runExpectations } from './activity';
import definition, { expectationSchema } from './definition';

const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-data-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
const lookup = () => undefined;

// 400 rows with nulls, duplicates, quotes, unicode, and column names with spaces and parentheses.
const table = path.join(dir, 'table.parquet');
await withDuckDb((conn) =>
  conn.run(`COPY (
    SELECT
      i AS "id (row)",
      CASE WHEN i % 37 = 0 THEN NULL ELSE (i * 7919) % 1000 / 10.0 END AS "mass (g)",
      CASE i % 5 WHEN 0 THEN 'Adélie' WHEN 1 THEN 'Gentoo "big"' WHEN 2 THEN 'chin''strap' WHEN 3 THEN NULL ELSE '企鹅' END AS "species name",
      CASE WHEN i % 50 = 0 THEN i - 1 ELSE i END AS "key",
      printf('%s-%03d', CASE WHEN i % 9 = 0 THEN 'x' ELSE 'AB' END, i % 1000) AS code,
      TIMESTAMP '2020-01-01' + INTERVAL (i) HOUR AS "seen at"
    FROM range(1, 401) t(i)
  ) TO ${quoteLiteral(table)} (FORMAT parquet)`),
);

/** Failing row numbers (1-based) per expectation, computed independently with pandas. */
function pandasFailing(code: string): number[] {
  const script = `import json, re, sys\nimport pandas as pd\ndf = pd.read_parquet(sys.argv[1])\n${code}\nprint(json.dumps([int(i) + 1 for i in df.index[bad]]))\n${EXIT_AT_ONCE}`;
  return JSON.parse(execFileSync(python, ['-c', script, table]).toString());
}

const e = (x: Record<string, unknown>) => expectationSchema.parse(x);

describe('validate.data', () => {
  it('requires what each check needs, and reads a typed list of allowed values', () => {
    expect(expectationSchema.safeParse({ check: 'in range', column: 'x' }).error!.issues[0]!.message).toBe('Give a min, a max or both');
    expect(expectationSchema.safeParse({ check: 'not null' }).error!.issues[0]!.path).toEqual(['column']);
    expect(expectationSchema.safeParse({ check: 'in range', column: 'x', min: 3, max: 1 }).success).toBe(false);
    expect(expectationSchema.safeParse({ check: 'row count', min: 1, treshold: 2 }).success).toBe(false);
    expect(e({ check: 'in allowed values', column: 'x', values: ' a, b ,c,' }).values).toEqual(['a', 'b', 'c']);
    expect(e({ check: 'in allowed values', column: 'x', values: ['a, b'] }).values).toEqual(['a, b']);
    expect(definition.params.safeParse({ expectations: [] }).success).toBe(false);
  });

  it('passes its input columns through and flags columns that are not there at design time', () => {
    const columns = [
      { name: 'mass (g)', type: 'DOUBLE' },
      { name: 'name', type: 'VARCHAR' },
    ];
    const params = definition.params.parse({
      expectations: [
        { check: 'column exists', column: 'gone' },
        { check: 'not null', column: 'missing' },
        { check: 'in range', column: 'name', min: 0 },
        { check: 'in range', column: 'mass (g)', min: 0 },
      ],
    });
    expect(definition.outputSchema!({ params, inputs: { table: columns }, dataset: lookup })).toEqual({ table: columns });
    const issues = definition.check!({ params, inputs: { table: columns }, dataset: lookup });
    expect(issues.map((i) => [i.path, i.severity ?? 'error'])).toEqual([
      ['params.expectations.0.column', 'warning'],
      ['params.expectations.1.column', 'error'],
      ['params.expectations.2.column', 'error'],
    ]);
  });

  it('counts failing rows like pandas and samples them in row order (real DuckDB)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ check: 'not null', column: 'mass (g)' }, `bad = df['mass (g)'].isna()`],
      [{ check: 'not null', column: 'species name' }, `bad = df['species name'].isna()`],
      [{ check: 'unique', column: 'key' }, `bad = df['key'].duplicated(keep=False) & df['key'].notna()`],
      [{ check: 'in range', column: 'mass (g)', min: 10, max: 90 }, `bad = (df['mass (g)'] < 10) | (df['mass (g)'] > 90)`],
      [
        { check: 'in allowed values', column: 'species name', values: ['Adélie', 'Gentoo "big"', "chin'strap"] },
        `bad = df['species name'].notna() & ~df['species name'].isin(['Adélie', 'Gentoo "big"', "chin'strap"])`,
      ],
      [{ check: 'matches pattern', column: 'code', pattern: '^AB-\\d{3}$' }, `bad = df['code'].notna() & ~df['code'].str.contains(r'^AB-\\d{3}$', regex=True)`],
    ];
    const { rows, results } = await runExpectations(table, cases.map(([x]) => e(x)), 10);
    expect(rows).toBe(400);
    results.forEach((r, k) => {
      const expected = pandasFailing(cases[k]![1]);
      expect(expected.length, r.expectation).toBeGreaterThan(0);
      expect(r.passed).toBe(false);
      expect(r.failingRows, r.expectation).toBe(expected.length);
      expect(r.sample!.rows.map((row) => row[0]), r.expectation).toEqual(expected.slice(0, 10));
      expect(r.sample!.columns.slice(0, 2)).toEqual(['Row', cases[k]![0].column]);
    });
    // The sample shows the failing values themselves, unicode and quotes intact.
    const allowed = results[4]!.sample!;
    expect(allowed.rows.every((row) => row[1] === '企鹅')).toBe(true);
    expect(results[2]!.sample!.rows.slice(0, 2).map((row) => row[1])).toEqual([49, 49]);
  });

  it('passes what holds: types, existence, bounds, row count, numbers given as text', async () => {
    const { results } = await runExpectations(table, [
      e({ check: 'column exists', column: 'species name' }),
      e({ check: 'column type', column: 'mass (g)', type: 'number' }),
      e({ check: 'column type', column: 'id (row)', type: 'integer' }),
      e({ check: 'column type', column: 'seen at', type: 'timestamp' }),
      e({ check: 'unique', column: 'id (row)' }),
      e({ check: 'in range', column: 'mass (g)', min: 0, max: 100 }),
      e({ check: 'row count', min: 400, max: 400 }),
      e({ check: 'in allowed values', column: 'id (row)', values: Array.from({ length: 400 }, (_, i) => String(i + 1)) }),
    ]);
    expect(results.map((r) => [r.expectation, r.passed])).toEqual(results.map((r) => [r.expectation, true]));
    expect(results[4]!.failingRows).toBeNull();
  });

  it('fails what does not: a missing column, a wrong type, row-count bounds, stale data', async () => {
    const { results } = await runExpectations(table, [
      e({ check: 'column exists', column: 'Body Mass (g)' }),
      e({ check: 'column type', column: 'species name', type: 'number' }),
      e({ check: 'row count', min: 500 }),
      e({ check: 'fresh', column: 'seen at', maxAgeHours: 24, severity: 'warn' }),
    ]);
    expect(results.map((r) => r.passed)).toEqual([false, false, false, false]);
    expect(results[0]!.detail).toBe('Column "Body Mass (g)" is not in the table');
    expect(results[1]!.detail).toBe('VARCHAR, not number');
    expect(results[2]!.detail).toBe('400 rows');
    // Newest is 2020-01-17 16:00 UTC (400 hours after the start).
    expect(results[3]!.detail).toMatch(/^newest 2020-01-17T16:00:00\.000Z, \d+\.\d h old$/);
    expect(results[3]!.severity).toBe('warn');
  });

  it('judges freshness against the clock', async () => {
    const fresh = path.join(dir, 'fresh.parquet');
    await withDuckDb((conn) =>
      conn.run(`COPY (SELECT now() - INTERVAL (i) HOUR AS at, (now() - INTERVAL (i) HOUR)::TIMESTAMP AS naive, current_date - 3 AS d FROM range(2, 10) t(i))
                TO ${quoteLiteral(fresh)} (FORMAT parquet)`),
    );
    const { results } = await runExpectations(fresh, [
      e({ check: 'fresh', column: 'at', maxAgeHours: 3 }),
      e({ check: 'fresh', column: 'at', maxAgeHours: 1 }),
      e({ check: 'fresh', column: 'naive', maxAgeHours: 3 }),
      e({ check: 'fresh', column: 'd', maxAgeHours: 24 }),
      e({ check: 'fresh', column: 'd', maxAgeHours: 24 * 5 }),
    ]);
    expect(results.map((r) => r.passed)).toEqual([true, false, true, false, true]);
  });

  it('refuses bad input with clear errors: a pattern that does not compile, values of the wrong type', async () => {
    await expect(runExpectations(table, [e({ check: 'matches pattern', column: 'code', pattern: '(' })])).rejects.toThrow(
      /The pattern for "code" is not a valid regular expression/,
    );
    await expect(runExpectations(table, [e({ check: 'in allowed values', column: 'key', values: '1, two' })])).rejects.toThrow(
      'Allowed values for "key" must be BIGINT: "two" is not',
    );
  });
});
