import { z } from 'zod';
import { sqlRequestKey, type SqlDescription, type SqlRequest } from '../../workflows/core/sql';
import { describeSandboxedSelect } from './sql-sandbox';

// Design-time descriptions of the steps' SQL (output columns or the parse/bind error), computed with
// the locked-down DuckDB over empty tables and remembered: the same query over the same schemas
// always gets the same answer.

const CACHE_SIZE = 1000;
const globalForSql = globalThis as unknown as { __millraceSqlDescriptions?: Map<string, SqlDescription> };
const cache = (globalForSql.__millraceSqlDescriptions ??= new Map());

/** DuckDB type names as DESCRIBE prints them (STRUCT and ENUM ones included), nothing that ends the column list. */
const columnType = z
  .string()
  .min(1)
  .max(2000)
  .regex(/^[A-Za-z0-9_ ,.()[\]"']+$/, 'Not a column type');

/** A request as the editor sends it (the compiler's `pendingSql`). */
export const sqlRequestSchema = z.strictObject({
  sql: z.string().max(100_000),
  tables: z.record(
    z.string().min(1).max(64),
    z.array(z.strictObject({ name: z.string().min(1).max(1000), type: columnType })).max(5000),
  ),
  offset: z.number().int().min(0).optional(),
  length: z.number().int().min(0).optional(),
});

export async function describeSql(request: SqlRequest): Promise<SqlDescription> {
  const key = sqlRequestKey(request);
  const known = cache.get(key);
  if (known) {
    // Most recently used last: the oldest entry is the first to go.
    cache.delete(key);
    cache.set(key, known);
    return known;
  }
  const answer = await describeSandboxedSelect(request);
  // An answer about the machine (out of time), not the SQL, is not remembered.
  if (!answer.ok && answer.transient) return answer;
  cache.set(key, answer);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return answer;
}

/** Answers for a batch, keyed as the compiler looks them up. */
export async function describeSqlBatch(requests: SqlRequest[]): Promise<[string, SqlDescription][]> {
  const answers: [string, SqlDescription][] = [];
  for (const r of requests) answers.push([sqlRequestKey(r), await describeSql(r)]);
  return answers;
}
