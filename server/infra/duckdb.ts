import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { config } from './config';

const globalForDuck = globalThis as unknown as {
  __millraceDuck?: Promise<DuckDBInstance>;
  __millraceBoundedDuck?: Promise<DuckDBInstance>;
};

/** One in-memory DuckDB instance per process; each unit of work takes its own connection. */
function instance(): Promise<DuckDBInstance> {
  globalForDuck.__millraceDuck ??= DuckDBInstance.create(':memory:', { threads: '2' });
  return globalForDuck.__millraceDuck;
}

export async function withDuckDb<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await (await instance()).connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
  }
}

/**
 * Work on input of any size from outside (uploads) runs on a second instance with a memory limit
 * (MILLRACE_UPLOAD_MEMORY_LIMIT): a 1 GB CSV converted on the default instance grows the process by
 * ~700 MB; bounded, DuckDB spills to disk instead.
 */
export async function withBoundedDuckDb<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  globalForDuck.__millraceBoundedDuck ??= DuckDBInstance.create(':memory:', {
    threads: '2',
    memory_limit: config().uploadMemoryLimit,
    temp_directory: path.join(config().dataDir, 'duckdb-spill'),
  });
  const conn = await (await globalForDuck.__millraceBoundedDuck).connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
  }
}

/** A SQL identifier for any column name (spaces, quotes, unicode). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal, e.g. for file paths. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export interface ColumnInfo {
  name: string;
  type: string;
}

/** Row count and column schema of a Parquet file. */
export async function describeParquet(file: string): Promise<{ rows: number; columns: ColumnInfo[] }> {
  return withDuckDb(async (conn) => {
    const src = `read_parquet(${quoteLiteral(file)})`;
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
    const columns = described.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    const counted = await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${src}`);
    return { rows: Number(counted.getRowObjectsJS()[0]?.n ?? 0), columns };
  });
}
