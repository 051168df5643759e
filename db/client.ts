import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Db = PostgresJsDatabase<typeof schema>;

type Holder = { sql: postgres.Sql; db: Db; url: string };
const globalForDb = globalThis as unknown as { __millraceDb?: Holder };

/** One postgres.js pool and drizzle client per process (kept on globalThis so dev hot reload reuses it). */
export function getDb(url = process.env.DATABASE_URL): Db {
  if (!url) throw new Error('DATABASE_URL is not set: start Millrace with `npm start`, or set DATABASE_URL.');
  const held = globalForDb.__millraceDb;
  if (held && held.url === url) return held.db;
  // Bounded waits: a Postgres that is down or frozen fails a request in seconds instead of hanging it.
  const sql = postgres(url, {
    max: 10,
    connect_timeout: Number(process.env.MILLRACE_PG_CONNECT_TIMEOUT_SECONDS ?? 5),
    connection: { statement_timeout: Number(process.env.MILLRACE_PG_STATEMENT_TIMEOUT_MS ?? 60_000) },
    onnotice: () => {},
  });
  const db = drizzle(sql, { schema });
  globalForDb.__millraceDb = { sql, db, url };
  return db;
}

export async function closeDb(): Promise<void> {
  const held = globalForDb.__millraceDb;
  globalForDb.__millraceDb = undefined;
  await held?.sql.end({ timeout: 5 });
}
