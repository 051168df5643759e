import { z } from 'zod';
import { sqlIdent, sqlString } from '../../core/sql';
import { column, defineStep, port, type DesignIssue } from '../../core/step';
import { columnKind, findColumn, listColumns, type TableSchema } from '../../core/table-schema';
import { INPUT_TABLE, overInput, sqlTimeoutParam, withExpression } from '../shared/sql-step';

export const FILTER_OPS = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'starts with', 'ends with', 'is missing', 'is not missing'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

const conditionSchema = z.strictObject({
  column: column('Column'),
  op: z.enum(FILTER_OPS).default('=').meta({ title: 'Operator' }),
  value: z.union([z.string(), z.number(), z.boolean()]).optional().meta({ title: 'Value' }),
});
export type FilterCondition = z.output<typeof conditionSchema>;

const TEXT_OPS: Partial<Record<FilterOp, string>> = { contains: 'contains', 'starts with': 'starts_with', 'ends with': 'ends_with' };

/** One condition as SQL over the input's columns, or the problem that stops it (at a path under the node). */
function conditionSql(c: FilterCondition, i: number, schema: TableSchema): { sql: string } | DesignIssue {
  const at = `params.conditions.${i}`;
  const col = findColumn(schema, c.column);
  if (!col) return { path: `${at}.column`, message: `Column "${c.column}" does not exist (columns: ${listColumns(schema)})` };
  const ref = sqlIdent(col.name);
  if (c.op === 'is missing') return { sql: `${ref} IS NULL` };
  if (c.op === 'is not missing') return { sql: `${ref} IS NOT NULL` };
  if (c.value === undefined || c.value === '') return { path: `${at}.value`, message: `"${c.op}" needs a value` };
  const text = String(c.value);
  const fn = TEXT_OPS[c.op];
  if (fn) return { sql: `${fn}(CAST(${ref} AS VARCHAR), ${sqlString(text)})` };
  let literal: string;
  switch (columnKind(col.type)) {
    case 'number': {
      const n = typeof c.value === 'number' ? c.value : text.trim() === '' ? NaN : Number(text.trim());
      if (!Number.isFinite(n)) return { path: `${at}.value`, message: `"${col.name}" is a number column (${col.type}); ${JSON.stringify(text)} is not a number` };
      literal = `CAST(${sqlString(String(n))} AS DOUBLE)`;
      break;
    }
    case 'boolean': {
      const b = /^(true|false)$/i.exec(text.trim())?.[0]?.toLowerCase();
      if (!b) return { path: `${at}.value`, message: `"${col.name}" is a true/false column; write true or false` };
      literal = b.toUpperCase();
      break;
    }
    case 'text':
      literal = sqlString(text);
      break;
    default:
      // Dates, times and the rest: the value is read as the column's own type.
      literal = `CAST(${sqlString(text)} AS ${col.type})`;
  }
  // "≠" keeps missing values (they are not equal to the value); other comparisons never match them.
  const op = c.op === '!=' ? 'IS DISTINCT FROM' : c.op;
  return { sql: `${ref} ${op} ${literal}` };
}

/**
 * The filtering query for the input's schema: the form's conditions joined by AND (all) or OR (any),
 * and the person's SQL condition, if any, on top. Problems come back as issues instead.
 */
export function filterSql(
  schema: TableSchema,
  params: { conditions: FilterCondition[]; match: 'all' | 'any'; expression?: string },
): { sql: string; offset?: number; length?: number } | { issues: DesignIssue[] } {
  // Only blanks: no SQL condition.
  const expression = params.expression?.trim() ? params.expression : undefined;
  const parts = params.conditions.map((c, i) => conditionSql(c, i, schema));
  const issues = parts.filter((p): p is DesignIssue => 'path' in p);
  if (params.conditions.length === 0 && !expression) {
    issues.push({ path: 'params.conditions', message: 'Add a condition or write an SQL condition' });
  }
  if (issues.length > 0) return { issues };
  const joined = parts.map((p) => `(${(p as { sql: string }).sql})`).join(params.match === 'all' ? ' AND ' : ' OR ');
  const head = `SELECT *\nFROM ${INPUT_TABLE}\nWHERE ${joined ? `(${joined})` : 'TRUE'}`;
  return expression ? withExpression(`${head} AND `, expression, '') : { sql: head };
}

export default defineStep({
  type: 'prepare.filter',
  category: 'prepare',
  title: 'Filter rows',
  summary: 'Keep the rows that match conditions or an SQL condition.',
  help:
    'Keeps the rows that match all (or any) of the conditions, e.g. Island = Biscoe, or "Body Mass (g)" > 4000. ' +
    'Text operators (contains, starts with, ends with) are case-sensitive. A missing value matches only "is missing" ' +
    'and "!=" (it is not equal to the value). For anything else, write an SQL condition (DuckDB SQL) such as ' +
    '`"Beak Length (mm)" BETWEEN 35 AND 45 OR Island IN (\'Dream\', \'Biscoe\')`; with both, a row must match both. ' +
    'Columns are never changed.',
  inputs: { table: port.table('Table') },
  // Longer than the longest time limit a query may be given, so the query's own limit speaks first.
  timeoutSeconds: 3600 + 120,
  outputs: { table: port.table('Table') },
  params: z.object({
    conditions: z.array(conditionSchema).default([]).meta({ title: 'Conditions' }),
    match: z.enum(['all', 'any']).default('all').meta({ title: 'Keep rows matching', description: 'all: every condition; any: at least one' }),
    // Not trimmed: DuckDB's error positions must point into exactly the text the editor shows.
    expression: z
      .string()
      .max(20_000)
      .optional()
      .meta({ title: 'SQL condition', description: 'Optional: a condition in SQL, e.g. x > 2 AND y IS NOT NULL', widget: 'sql-expression' }),
    timeoutSeconds: sqlTimeoutParam,
  }),
  // Rows go, columns stay.
  outputSchema: ({ inputs }) => (inputs.table ? { table: inputs.table } : {}),
  check: ({ params, inputs, describeSql }) => {
    const expression = params.expression?.trim() ? params.expression : undefined;
    if (!inputs.table) return params.conditions.length === 0 && !expression ? [{ path: 'params.conditions', message: 'Add a condition or write an SQL condition' }] : [];
    const built = filterSql(inputs.table, params);
    if ('issues' in built) return built.issues;
    // Only the person's SQL needs DuckDB to be checked: what the form builds is quoted by construction.
    if (expression) {
      const request = overInput(withExpression(`SELECT *\nFROM ${INPUT_TABLE}\nWHERE `, expression, ''), inputs.table);
      if (request) describeSql?.(request, 'params.expression');
    }
    return [];
  },
});
