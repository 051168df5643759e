import path from 'node:path';
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
