import { describe, expect, it } from 'vitest';
import { describeSandboxedSelect } from '../../server/infra/sql-sandbox';

// Person-written SQL (prepare.sql, derive and filter expressions) may not read the DuckDB instance's own
// settings and state: the data folder's paths, the home directory, variables, secrets, extensions.
const tables = { input: [{ name: 'a', type: 'INTEGER' }] };

describe('SQL sandbox: settings functions', () => {
  it.each([
    ["SELECT getvariable('x') AS v FROM input", 'getvariable'],
    ["SELECT GETVARIABLE('x') AS v FROM input", 'getvariable'],
    ["SELECT current_setting('allowed_paths') AS p", 'current_setting'],
    ['SELECT * FROM duckdb_settings()', 'duckdb_settings'],
    ['SELECT * FROM duckdb_secrets()', 'duckdb_secrets'],
    ['SELECT a FROM input, duckdb_extensions()', 'duckdb_extensions'],
    ["SELECT a FROM input WHERE a > (SELECT length(getvariable('v')))", 'getvariable'],
  ])('refuses %s, naming %s()', async (sql, fn) => {
    const answer = await describeSandboxedSelect({ sql, tables });
    expect(answer).toMatchObject({ ok: false, message: `Not allowed: ${fn}() reads the server's own settings; steps may use only their own input tables` });
  });

  it('still allows ordinary functions', async () => {
    const answer = await describeSandboxedSelect({ sql: "SELECT a + 1 AS b, coalesce(a, 2) AS c, regexp_replace('x', 'x', 'y') AS d FROM input", tables });
    expect(answer).toMatchObject({ ok: true });
  });
});
