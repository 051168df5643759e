import { z } from 'zod';
import { column, columns, defineStep, port, type DesignIssue } from '../../core/step';
import { columnKind, findColumn, type ColumnSchema, type TableSchema } from '../../core/table-schema';

export const AGGREGATES = ['count', 'count_distinct', 'sum', 'mean', 'median', 'min', 'max', 'std'] as const;
export type AggregateFunction = (typeof AGGREGATES)[number];

const NUMERIC_ONLY: ReadonlySet<AggregateFunction> = new Set(['sum', 'mean', 'median', 'std']);
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|UTINYINT|USMALLINT|UINTEGER)$/i;

const params = z.object({
  groupBy: columns('Group by', 'One output row per combination of these columns. Empty = one row for the whole table').optional(),
  aggregates: z
    .array(
      z.strictObject({
        column: column('Column', 'Empty with count = count rows').optional(),
        fn: z.enum(AGGREGATES).default('count').meta({ title: 'Function' }),
        as: z.string().trim().min(1).max(255).optional().meta({ title: 'Output name', description: 'Default: function_column, e.g. mean_price' }),
      }),
    )
    .min(1, 'Add at least one aggregate')
    .default([{ fn: 'count' }])
    .meta({ title: 'Aggregates' }),
});

export type AggregateParams = z.output<typeof params>;

export interface AggregateColumn extends ColumnSchema {
  fn: AggregateFunction;
  column?: string;
  /** The column's input type, when there is one. */
  inputType?: string;
}

/** The output column name an aggregate gets when the person does not give one. */
export function aggregateName(fn: AggregateFunction, column?: string): string {
  return column === undefined ? fn : `${fn}_${column}`;
}

function outputType(fn: AggregateFunction, input?: string): string {
  if (fn === 'count' || fn === 'count_distinct') return 'BIGINT';
  if (fn === 'min' || fn === 'max') return input!;
  if (fn === 'sum' && INTEGER.test(input!)) return 'BIGINT';
  return 'DOUBLE';
}

/** Group columns then one column per aggregate, with their types; problems carry their parameter path. */
export function aggregateLayout(input: TableSchema, p: AggregateParams): { groups: ColumnSchema[]; aggregates: AggregateColumn[]; issues: DesignIssue[] } {
  const issues: DesignIssue[] = [];
  // A group column that does not exist is reported by the compiler (and by the activity at run time).
  const groups = (p.groupBy ?? []).flatMap((name, i) => {
    const col = findColumn(input, name);
    if (col && p.groupBy!.indexOf(name) !== i) issues.push({ path: `params.groupBy.${i}`, message: `"${name}" is listed twice` });
    return col && p.groupBy!.indexOf(name) === i ? [col] : [];
  });
  const aggregates: AggregateColumn[] = [];
  p.aggregates.forEach((a, i) => {
    const at = `params.aggregates.${i}`;
    const name = a.as ?? aggregateName(a.fn, a.column);
    if (a.column === undefined) {
      if (a.fn !== 'count') return void issues.push({ path: `${at}.column`, message: `Pick the column to take the ${a.fn.replace('_', ' ')} of` });
      return void aggregates.push({ name, type: 'BIGINT', fn: a.fn });
    }
    const col = findColumn(input, a.column);
    if (!col) return void issues.push({ path: `${at}.column`, message: `Column "${a.column}" is not in the input table` });
    const kind = columnKind(col.type);
    if (NUMERIC_ONLY.has(a.fn) && kind !== 'number') {
      return void issues.push({ path: `${at}.column`, message: `Cannot take the ${a.fn} of "${a.column}": it is ${col.type}, not a number` });
    }
    if ((a.fn === 'min' || a.fn === 'max') && kind === 'other') {
      return void issues.push({ path: `${at}.column`, message: `Cannot take the ${a.fn} of "${a.column}" (${col.type})` });
    }
    aggregates.push({ name, type: outputType(a.fn, col.type), fn: a.fn, column: a.column, inputType: col.type });
  });
  const seen = new Set(groups.map((g) => g.name));
  aggregates.forEach((a) => {
    if (seen.has(a.name)) {
      const i = p.aggregates.findIndex((x) => (x.as ?? aggregateName(x.fn, x.column)) === a.name);
      issues.push({ path: `params.aggregates.${i}.as`, message: `Two output columns would be called "${a.name}": give this one another name` });
    }
    seen.add(a.name);
  });
  return { groups, aggregates, issues };
}

export default defineStep({
  type: 'prepare.aggregate',
  category: 'prepare',
  title: 'Aggregate',
  summary: 'Group rows and compute counts, sums, means and more.',
  help:
    'Groups the rows by the chosen columns (empty values form a group of their own) and computes each aggregate per ' +
    'group: count (rows, or non-empty values of a column), count distinct, sum, mean, median, min, max and std ' +
    '(the sample standard deviation, as pandas computes it). Empty values are skipped. Each result is named ' +
    'function_column (e.g. mean_price) unless you name it. Groups come out sorted, empty values last.',
  inputs: { table: port.table('Table') },
  outputs: { table: port.table('Table') },
  params,
  outputSchema: ({ params, inputs }) => {
    if (!inputs.table) return {};
    const { groups, aggregates, issues } = aggregateLayout(inputs.table, params);
    return issues.length > 0 ? {} : { table: [...groups, ...aggregates.map(({ name, type }) => ({ name, type }))] };
  },
  check: ({ params, inputs }) => (inputs.table ? aggregateLayout(inputs.table, params).issues : []),
});
