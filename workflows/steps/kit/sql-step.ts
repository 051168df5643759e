import path from 'node:path';
import { quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { runSandboxedSelect, SqlError } from '../../../server/infra/sql-sandbox';
import type { ArtifactRef } from '../../core/plan';
import type { StepContext } from './implement';
import { StepInputError } from './step-error';
import { saveTable, tablePath } from './table-io';

/**
 * Runs a SELECT over the step's input tables (by the names the query uses) in the locked-down DuckDB and
 * stores the result. Problems with the SQL fail the step at once: retrying cannot fix them.
 */
export async function runSqlStep(opts: {
  sql: string;
  tables: Record<string, ArtifactRef | undefined>;
  ctx: StepContext;
  timeoutSeconds: number;
  /** What the SQL is called in messages, e.g. "Expression". */
  what?: string;
}): Promise<ArtifactRef & { rows: number }> {
  const tables = [];
  for (const [name, ref] of Object.entries(opts.tables)) if (ref) tables.push({ name, file: await tablePath(ref) });
  const outFile = path.join(opts.ctx.scratchDir, 'result.parquet');
  try {
    await runSandboxedSelect({ sql: opts.sql, tables, outFile, timeoutMs: opts.timeoutSeconds * 1000, signal: opts.ctx.signal });
  } catch (err) {
    if (err instanceof SqlError && err.kind !== 'cancelled') throw new StepInputError(`${opts.what ?? 'SQL'}: ${err.message}`);
    throw err;
  }
  return saveTable(outFile);
}

type Cell = string | number | boolean | null;

/** The first rows of a result as a table the run page draws (values as text where JSON has no type for them). */
export async function previewTable(ref: ArtifactRef, title = 'First rows', limit = 20) {
  const file = await tablePath(ref);
  return withDuckDb(async (conn) => {
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(file)}) LIMIT ${limit}`);
    const cell = (v: unknown): Cell =>
      v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean'
        ? (v ?? null)
        : typeof v === 'number'
          ? Number.isFinite(v) ? v : String(v)
          : typeof v === 'bigint'
            ? Number(v)
            : v instanceof Date
              ? v.toISOString()
              : JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
    const columns = reader.columnNames();
    return { $visual: 'table' as const, title, columns, rows: reader.getRowsJS().map((row) => row.map(cell)) };
  });
}
