import { z } from 'zod';
import { column, defineStep, port, type DesignIssue } from '../../core/step';
import { columnKind, findColumn, type ColumnKind, type TableSchema } from '../../core/table-schema';

/** What a person picks, and the DuckDB type it becomes. */
export const CAST_TYPES = { number: 'DOUBLE', integer: 'BIGINT', text: 'VARCHAR', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP' } as const;
export type CastTarget = keyof typeof CAST_TYPES;
const TARGETS = Object.keys(CAST_TYPES) as [CastTarget, ...CastTarget[]];

/** Source kinds each target can be made from; the rest would never convert, so they are refused before running. */
const FROM: Record<CastTarget, ColumnKind[]> = {
  number: ['number', 'text', 'boolean'],
  integer: ['number', 'text', 'boolean'],
  boolean: ['number', 'text', 'boolean'],
  text: ['number', 'text', 'boolean', 'temporal', 'other'],
  date: ['text', 'temporal'],
  timestamp: ['text', 'temporal'],
};

const params = z.object({
  casts: z
    .array(
      z.strictObject({
        column: column('Column'),
        to: z.enum(TARGETS).default('number').meta({ title: 'New type' }),
      }),
    )
    .min(1, 'Add at least one column to convert')
    .meta({ title: 'Conversions' }),
  onError: z.enum(['fail', 'null']).default('fail').meta({
    title: 'When a value does not convert',
    description: 'fail: stop and name the column, row and value; null: leave it empty and count it in the summary',
  }),
});

export type CastParams = z.output<typeof params>;

export function castIssues(input: TableSchema, p: CastParams): DesignIssue[] {
  const issues: DesignIssue[] = [];
  p.casts.forEach((c, i) => {
    const col = findColumn(input, c.column);
    if (!col) return void issues.push({ path: `params.casts.${i}.column`, message: `Column "${c.column}" is not in the input table` });
    if (p.casts.findIndex((o) => o.column === c.column) !== i) return void issues.push({ path: `params.casts.${i}.column`, message: `"${c.column}" is converted twice` });
    const kind = columnKind(col.type);
    if (!FROM[c.to].includes(kind) || (kind === 'temporal' && !/^(DATE|TIMESTAMP)/i.test(col.type))) {
      issues.push({ path: `params.casts.${i}.to`, message: `"${c.column}" is ${col.type}: its values cannot become ${c.to === 'integer' ? 'integers' : `${c.to}s`}` });
    }
  });
  return issues;
}

export default defineStep({
  type: 'prepare.cast',
  category: 'prepare',
  title: 'Change types',
  summary: 'Convert columns to number, integer, text, boolean, date or timestamp.',
  help:
    'Converts each chosen column to a new type, in place. Text is read the way DuckDB reads it ("12", "1e3", ' +
    '"true"/"yes"/"1", "2024-05-01"); a number becomes an integer only when it has no fraction. By default a value ' +
    'that does not convert stops the step with its column, row and value; choose null to leave such values empty ' +
    'instead, and the summary counts them per column. Empty values stay empty.',
  inputs: { table: port.table('Table') },
  outputs: { table: port.table('Table') },
  params,
  outputSchema: ({ params, inputs }) => {
    if (!inputs.table || castIssues(inputs.table, params).length > 0) return {};
    const to = new Map(params.casts.map((c) => [c.column, CAST_TYPES[c.to]]));
    return { table: inputs.table.map((c) => ({ name: c.name, type: to.get(c.name) ?? c.type })) };
  },
  check: ({ params, inputs }) => (inputs.table ? castIssues(inputs.table, params) : []),
});
