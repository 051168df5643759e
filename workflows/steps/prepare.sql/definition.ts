import { z } from 'zod';
import type { SqlRequest } from '../../core/sql';
import { defineStep, port } from '../../core/step';
import type { TableSchema } from '../../core/table-schema';
import { sqlTimeoutParam } from '../shared/sql-step';

/** The input ports, which are also the names the query uses for the tables. */
export const SQL_TABLES = ['input', 'input2', 'input3'] as const;

/**
 * The design-time request for a query over the connected inputs, or undefined while a table it names
 * has no known schema (describing without it would report a table that is in fact connected).
 */
export function sqlRequest(sql: string, inputs: Record<string, TableSchema | undefined>): SqlRequest | undefined {
  const tables: Record<string, TableSchema> = {};
  for (const name of SQL_TABLES) {
    const schema = inputs[name];
    if (schema) tables[name] = schema;
    else if (new RegExp(`\\b${name}\\b`, 'i').test(sql)) return undefined;
  }
  return { sql, tables };
}

export default defineStep({
  type: 'prepare.sql',
  category: 'prepare',
  title: 'SQL query',
  summary: 'Shape tables with one SELECT query (DuckDB SQL).',
  help:
    'Runs one SELECT query in DuckDB and passes its result on. The connected tables are named after their inputs: ' +
    '`input`, `input2` and `input3` (e.g. `SELECT * FROM input JOIN input2 USING (id)`). Quote column names with ' +
    'spaces or capitals in double quotes ("Beak Length (mm)"). The query can only read these tables: it cannot read ' +
    'files, attach databases, load extensions, change settings or write anything, and it is stopped after the time limit.',
  inputs: {
    input: port.table('Input'),
    input2: port.table('Input 2', { optional: true }),
    input3: port.table('Input 3', { optional: true }),
  },
  // Longer than the longest time limit a query may be given, so the query's own limit speaks first.
  timeoutSeconds: 3600 + 120,
  outputs: { table: port.table('Result') },
  params: z.object({
    // Not trimmed: DuckDB's error positions must point into exactly the text the editor shows.
    sql: z
      .string()
      .max(100_000)
      .regex(/\S/, 'Write a SELECT query')
      .default('SELECT *\nFROM input')
      .meta({ title: 'SQL', description: 'One SELECT query over input, input2, input3', widget: 'sql' }),
    timeoutSeconds: sqlTimeoutParam,
  }),
  outputSchema: ({ params, inputs, describeSql }) => {
    const request = sqlRequest(params.sql, inputs);
    const columns = request && describeSql?.(request, 'params.sql');
    return columns ? { table: columns } : {};
  },
});
