import { AsyncLocalStorage } from 'node:async_hooks';
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

const cancellation = new AsyncLocalStorage<AbortSignal>();

/** Runs work whose DuckDB queries are interrupted as soon as the signal aborts (a cancelled step). */
export function withQueriesCancelledBy<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return cancellation.run(signal, work);
}

async function onConnection<T>(conn: DuckDBConnection, work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const signal = cancellation.getStore();
  const interrupt = () => conn.interrupt();
  signal?.addEventListener('abort', interrupt);
  try {
    signal?.throwIfAborted();
    return await work(conn);
  } finally {
    signal?.removeEventListener('abort', interrupt);
    conn.closeSync();
  }
}

export async function withDuckDb<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  return onConnection(await (await instance()).connect(), work);
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
  return onConnection(await (await globalForDuck.__millraceBoundedDuck).connect(), work);
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
