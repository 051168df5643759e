import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeParquet, quoteLiteral, withDuckDb } from '../../server/infra/duckdb';

// Independent references for table steps: the same transformation written in pandas, run by the
// project's Python venv, compared row by row with what the step wrote.

const run = promisify(execFile);
const PYTHON = path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python', 'bin', 'python');

/**
 * Runs `code` with `tables` (name → DataFrame read from each Parquet input) in scope; the code assigns
 * the expected DataFrame to `result`, which is written to `out`.
 */
export async function pandasTable(code: string, inputs: Record<string, string>, out: string): Promise<void> {
  const script = [
    'import json, sys',
    'import numpy as np',
    'import pandas as pd',
    'tables = {k: pd.read_parquet(v) for k, v in json.loads(sys.argv[1]).items()}',
    code,
    'result.to_parquet(sys.argv[2], index=False)',
  ].join('\n');
  await run(PYTHON, ['-c', script, JSON.stringify(inputs), out], { maxBuffer: 1 << 24 });
}

/** Writes the result of a DuckDB query to a Parquet file (test fixtures). */
export function queryToParquet(sql: string, file: string): Promise<void> {
  return withDuckDb(async (conn) => {
    await conn.run(`COPY (${sql}) TO ${quoteLiteral(file)} (FORMAT parquet)`);
  });
}

type Cell = string | number | boolean | null;

function normalise(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** Column names and rows of a Parquet file in file order, as plain values (integers and floats compare equal). */
export async function readTable(file: string): Promise<{ columns: string[]; rows: Cell[][] }> {
  return withDuckDb(async (conn) => {
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(file)})`);
    return { columns: reader.columnNames(), rows: reader.getRowsJS().map((r) => r.map(normalise)) };
  });
}

/** The DuckDB schema of a Parquet file, as the compiler's TableSchema. */
export async function parquetSchema(file: string) {
  return (await describeParquet(file)).columns;
}

/** Rows rounded to `digits` significant places, for comparing floating-point aggregates. */
export function rounded(rows: Cell[][], digits = 10): Cell[][] {
  return rows.map((r) => r.map((v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(digits)) : v)));
}

/**
 * A small table with what breaks naive SQL: names with spaces, parentheses and symbols; text with quotes,
 * commas and non-Latin letters; nulls in every column; a repeated row.
 */
export const AWKWARD_ROWS_SQL = `SELECT * FROM (VALUES
  (1, 'Ann "the" O''Brien', 3.5::DOUBLE, 'a', DATE '2024-01-03', true),
  (2, 'Zoë ünïcødé ✓', NULL, 'b', DATE '2024-01-01', false),
  (3, NULL, 2.25, 'a', NULL, NULL),
  (4, 'comma, and ; semicolon', -1.0, NULL, DATE '2024-01-02', true),
  (5, '日本語', 10.0, 'b', DATE '2024-01-05', false),
  (6, 'Ann "the" O''Brien', 3.5, 'a', DATE '2024-01-03', true)
) AS t("id", "Name (full)", "price ($)", "group", "sold on", "in stock")`;
