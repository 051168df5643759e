import type { DuckDBConnection } from '@duckdb/node-api';
import { artifactStore, saveArtifact } from '../../../server/infra/artifact-store';
import { describeParquet, quoteIdent, quoteLiteral } from '../../../server/infra/duckdb';
import type { ArtifactRef } from '../../core/plan';
import { StepInputError } from './step-error';

/** The local Parquet path of a table input. */
export async function tablePath(ref: ArtifactRef): Promise<string> {
  if (ref.kind !== 'table' || !ref.hash) throw new StepInputError(`Expected a table input, got ${ref.kind}`);
  return artifactStore().localPath(ref.hash);
}

/** Column names of a Parquet file. */
export async function tableColumns(conn: DuckDBConnection, file: string): Promise<string[]> {
  const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(file)})`);
  return r.getRowObjectsJS().map((row) => String(row.column_name));
}

export function requireColumn(columns: string[], name: string, what: string): void {
  if (!columns.includes(name)) {
    const shown = columns.slice(0, 30).map((c) => `"${c}"`).join(', ');
    throw new StepInputError(`${what} column "${name}" is not in the table (columns: ${shown})`);
  }
}

/** Stores a Parquet file written by the step and returns the reference to hand downstream. */
export async function saveTable(file: string): Promise<ArtifactRef & { rows: number }> {
  const { rows, columns } = await describeParquet(file);
  const stored = await saveArtifact(file, 'table', { rows, columns });
  return { kind: 'table', hash: stored.hash, meta: { rows, columns }, rows };
}

export { quoteIdent, quoteLiteral };
