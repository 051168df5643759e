import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeParquet, quoteLiteral, withDuckDb } from '../../server/infra/duckdb';
import { pythonExecutable } from '../../server/setup/python';
import type { TableSchema } from '../../workflows/core/table-schema';
import { EXIT_AT_ONCE } from './pandas';

// Small Parquet tables for step tests on real DuckDB, and pandas in Millrace's own venv as the
// independent reference.

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `millrace-${prefix}-`));
}

/** Writes the result of a DuckDB query as Parquet and returns its columns. */
export async function writeParquet(file: string, select: string): Promise<TableSchema> {
  await withDuckDb((conn) => conn.run(`COPY (${select}) TO ${quoteLiteral(file)} (FORMAT parquet)`));
  return (await describeParquet(file)).columns;
}

/** A Parquet file's rows as plain objects (BIGINT as number), in file order. */
export async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  return withDuckDb(async (conn) => {
    const r = await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(file)})`);
    return r.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  });
}

const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));

/** Runs Python with pandas as pd, numpy as np and the JSON input as `d`; the script prints JSON. */
export function pandas(code: string, input: unknown = null): any {
  const script = `import json, sys\nimport numpy as np\nimport pandas as pd\nd = json.load(sys.stdin)\n${code}\n${EXIT_AT_ONCE}`;
  return JSON.parse(execFileSync(python, ['-c', script], { input: JSON.stringify(input), maxBuffer: 64 * 1024 * 1024 }).toString());
}

/** Rows equal up to `digits` decimals for numbers; nulls, text and booleans exactly. */
export function expectRowsClose(actual: Record<string, unknown>[], expected: Record<string, unknown>[], check: (a: unknown, e: unknown, where: string) => void) {
  if (actual.length !== expected.length) throw new Error(`expected ${expected.length} rows, got ${actual.length}`);
  actual.forEach((row, i) => {
    const keys = Object.keys(expected[i]!);
    if (Object.keys(row).join('|') !== keys.join('|')) throw new Error(`row ${i}: columns ${Object.keys(row).join(', ')} != ${keys.join(', ')}`);
    for (const k of keys) check(row[k], expected[i]![k], `row ${i} "${k}"`);
  });
}
