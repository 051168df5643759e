import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { pythonExecutable } from '../../../server/infra/python-paths';
import { EXIT_AT_ONCE } from '../../../test/support/pandas';
import { writeExport } from './activity';
import definition from './definition';

const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-export-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const source = path.join(dir, 'source.parquet');
await withDuckDb((conn) =>
  conn.run(`COPY (
    SELECT * FROM (VALUES
      (1, 'plain', 1.5, DATE '2024-02-29'),
      (2, 'comma, "quoted" and ''single''', NULL, NULL),
      (3, 'unicode: Adélie 企鹅 😀', -0.25, DATE '1999-12-31'),
      (4, NULL, 1e-7, DATE '2024-01-01'),
      (5, 'line
break', 3.0, DATE '2024-01-02')
    ) t("id (row)", "name with spaces", "value (g)", "day")
  ) TO ${quoteLiteral(source)} (FORMAT parquet)`),
);

/** The file read back by pandas, next to the source read by pandas: the same frame, as JSON. */
function pandasRoundTrip(exported: string, format: 'csv' | 'parquet') {
  const read = format === 'csv' ? `pd.read_csv(sys.argv[2], parse_dates=['day'])` : 'pd.read_parquet(sys.argv[2])';
  const script =
    `import sys, json\nimport pandas as pd\nsrc = pd.read_parquet(sys.argv[1])\nsrc['day'] = pd.to_datetime(src['day'])\nout = ${read}\nout['day'] = pd.to_datetime(out['day'])\n` +
    `print(json.dumps({'src': src.to_json(orient='split', date_format='iso'), 'out': out.to_json(orient='split', date_format='iso')}))\n${EXIT_AT_ONCE}`;
  return JSON.parse(execFileSync(python, ['-c', script, source, exported]).toString());
}

describe('export.file', () => {
  it('defaults to CSV named "export" and refuses file names that could escape a header', () => {
    expect(definition.params.parse({})).toEqual({ format: 'csv', fileName: 'export' });
    expect(definition.params.safeParse({ fileName: 'Penguins (clean) 2024-01' }).success).toBe(true);
    for (const bad of ['../x', 'a/b', 'a"b', 'a\r\nb', '.hidden', '']) expect(definition.params.safeParse({ fileName: bad }).success, bad).toBe(false);
    expect(definition.params.safeParse({ format: 'xlsx' }).success).toBe(false);
  });

  it('writes CSV that pandas reads back to the same table: nulls, quotes, unicode, line breaks, odd column names', async () => {
    const file = path.join(dir, 'out.csv');
    expect(await writeExport(source, file, 'csv')).toBe(5);
    const text = await fs.readFile(file, 'utf8');
    expect(text.split('\n')[0]).toBe('id (row),name with spaces,value (g),day');
    expect(text).toContain(`"comma, ""quoted"" and 'single'"`);
    const { src, out } = pandasRoundTrip(file, 'csv');
    expect(JSON.parse(out)).toEqual(JSON.parse(src));
  });

  it('writes Parquet with the same rows and types', async () => {
    const file = path.join(dir, 'out.parquet');
    expect(await writeExport(source, file, 'parquet')).toBe(5);
    const { src, out } = pandasRoundTrip(file, 'parquet');
    expect(JSON.parse(out)).toEqual(JSON.parse(src));
    const types = (f: string) =>
      withDuckDb(async (conn) => (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(f)})`)).getRowObjectsJS().map((r) => `${r.column_name}:${r.column_type}`));
    expect(await types(file)).toEqual(await types(source));
  });
});
