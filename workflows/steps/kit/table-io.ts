import type { DuckDBConnection } from '@duckdb/node-api';
import { artifactStore, storeFile, type ArtifactRow } from '../../../server/infra/artifact-store';
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

/**
 * Artifact rows of tables this process stored for steps that have not finished: each is recorded in the
 * statement that records its step's outcome (kit/implement.ts), one round trip for both.
 */
const unrecorded = new Map<string, ArtifactRow>();

/** Moves a Parquet file the step wrote into the store and returns the reference to hand downstream. */
export async function saveTable(file: string): Promise<ArtifactRef & { rows: number }> {
  const { rows, columns } = await describeParquet(file);
  const row = await storeFile(file, 'table', { rows, columns }, { move: true });
  unrecorded.set(row.hash, row);
  return { kind: 'table', hash: row.hash, meta: { rows, columns }, rows };
}

/** The artifact rows still to record for these outputs (taken: each is handed out once). */
export function takeUnrecordedArtifacts(refs: (ArtifactRef | undefined)[]): ArtifactRow[] {
  const rows: ArtifactRow[] = [];
  for (const ref of refs) {
    const row = ref?.hash ? unrecorded.get(ref.hash) : undefined;
    if (!row) continue;
    unrecorded.delete(row.hash);
    rows.push(row);
  }
  return rows;
}

export { quoteIdent, quoteLiteral };
