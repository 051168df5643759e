import { canonicalJson } from './canonical-json';
import type { TableSchema } from './table-schema';

// Design-time descriptions of SQL. The compiler is synchronous and isomorphic, DuckDB is neither: a step
// asks for the description of a query over its input tables; the compiler answers from a lookup filled
// beforehand (by the server, with DuckDB over empty tables) or reports the query as pending.

/** A query to describe: its text and the tables it reads, by the names it uses for them. */
export interface SqlRequest {
  sql: string;
  tables: Record<string, TableSchema>;
  /** Where the person's own text starts inside `sql` (for expressions wrapped in a query), so positions point into it. */
  offset?: number;
  /** Length of the person's text inside `sql`. */
  length?: number;
}

/** What a query returns, or why it cannot run. `position` is a character offset into the person's text. */
/**
 * What DuckDB made of a step's SQL. `transient` marks an answer that says nothing about the SQL itself
 * (the describe ran out of time on a busy machine): asking again may answer differently.
 */
export type SqlDescription = { ok: true; columns: TableSchema } | { ok: false; message: string; position?: number; transient?: true };

/** A lookup of descriptions computed beforehand, by request key. */
export type SqlLookup = (key: string) => SqlDescription | undefined;

/** Equal requests have equal keys, whatever the order of their tables' properties. */
export function sqlRequestKey(request: SqlRequest): string {
  return canonicalJson(request);
}

/** A lookup over a list of answered requests (e.g. what the server sent back). */
export function makeSqlLookup(answers: Iterable<readonly [string, SqlDescription]>): SqlLookup {
  const map = new Map(answers);
  return (key) => map.get(key);
}

/** A SQL identifier for any column name (spaces, quotes, unicode). */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
