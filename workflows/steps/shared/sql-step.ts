import { z } from 'zod';
import type { SqlRequest } from '../../core/sql';
import type { TableSchema } from '../../core/table-schema';

// What the SQL steps (prepare.sql, prepare.derive, prepare.filter) share at design time. Isomorphic.

/** How long a step's query may run before the locked-down DuckDB interrupts it. */
export const sqlTimeoutParam = z
  .number()
  .int()
  .min(1)
  .max(3600)
  .default(300)
  .meta({ title: 'Time limit (seconds)', description: 'The query is stopped when it runs longer', advanced: true });

/** A person's SQL expression inside a query of ours, with where it sits (so errors point into the expression). */
export function withExpression(before: string, expression: string, after: string): SqlRequest & { offset: number; length: number } {
  // Own lines: a trailing "-- comment" in the expression cannot swallow what follows.
  const head = `${before}(\n`;
  return { sql: `${head}${expression}\n)${after}`, tables: {}, offset: head.length, length: expression.length };
}

/** The name the single input table has inside the SQL of the one-table steps. */
export const INPUT_TABLE = 'input';

/** A request over the step's one input table, or undefined while its schema is unknown. */
export function overInput(request: SqlRequest, input: TableSchema | undefined): SqlRequest | undefined {
  return input ? { ...request, tables: { [INPUT_TABLE]: input } } : undefined;
}
