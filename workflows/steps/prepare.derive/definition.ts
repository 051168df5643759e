import { z } from 'zod';
import { sqlIdent } from '../../core/sql';
import { defineStep, port } from '../../core/step';
import { INPUT_TABLE, overInput, sqlTimeoutParam, withExpression } from '../shared/sql-step';

/**
 * The query that adds (or, when a column of that name exists, replaces in place) one column computed
 * by the person's expression. `columns` are the input's column names.
 */
export function deriveSql(columns: readonly string[], name: string, expression: string) {
  const existing = columns.find((c) => c.toLowerCase() === name.toLowerCase());
  return existing === undefined
    ? withExpression('SELECT *, ', expression, ` AS ${sqlIdent(name)}\nFROM ${INPUT_TABLE}`)
    : withExpression('SELECT * REPLACE (', expression, ` AS ${sqlIdent(existing)})\nFROM ${INPUT_TABLE}`);
}

export default defineStep({
  type: 'prepare.derive',
  category: 'prepare',
  title: 'Derive column',
  summary: 'Add a column computed from an SQL expression.',
  help:
    'Computes a new column for every row from an SQL expression over the other columns (DuckDB SQL), e.g. ' +
    '`"Body Mass (g)" / 1000`, `coalesce(city, \'unknown\')` or `CASE WHEN age >= 18 THEN \'adult\' ELSE \'minor\' END`. ' +
    'Quote column names with spaces or capitals in double quotes. A column that already has the name is replaced ' +
    'where it stands; otherwise the new column comes last. Missing values stay missing unless the expression says otherwise.',
  inputs: { table: port.table('Table') },
  // Longer than the longest time limit a query may be given, so the query's own limit speaks first.
  timeoutSeconds: 3600 + 120,
  outputs: { table: port.table('Table') },
  params: z.object({
    name: z.string().trim().min(1, 'Name the new column').max(255).meta({ title: 'Column name' }),
    // Not trimmed: DuckDB's error positions must point into exactly the text the editor shows.
    expression: z
      .string()
      .max(20_000)
      .regex(/\S/, 'Write an expression')
      .meta({ title: 'Expression', description: 'An SQL expression over the columns', widget: 'sql-expression' }),
    timeoutSeconds: sqlTimeoutParam,
  }),
  outputSchema: ({ params, inputs, describeSql }) => {
    const input = inputs.table;
    const request = input && overInput(deriveSql(input.map((c) => c.name), params.name, params.expression), input);
    const columns = request && describeSql?.(request, 'params.expression');
    return columns ? { table: columns } : {};
  },
});
