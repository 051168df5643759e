import { z } from 'zod';
import { defineStep, port, type DesignIssue } from '../../core/step';
import { columnKind, findColumn, listColumns } from '../../core/table-schema';

export const EXPECTATION_CHECKS = [
  'column exists',
  'column type',
  'not null',
  'unique',
  'in range',
  'in allowed values',
  'matches pattern',
  'row count',
  'fresh',
] as const;
export type ExpectationCheck = (typeof EXPECTATION_CHECKS)[number];

export const TYPE_FAMILIES = ['number', 'integer', 'text', 'boolean', 'date', 'timestamp'] as const;

/** Checks that look at one column (all but the row count). */
export const needsColumn = (check: ExpectationCheck) => check !== 'row count';

// A list typed in the form arrives as "a, b, c"; a document may hold a real array.
const valueList = z
  .union([
    z.array(z.string()).min(1),
    z.string().transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    ),
  ])
  .pipe(z.array(z.string()).min(1, 'List at least one value').max(1000));

export const expectationSchema = z
  .strictObject({
    check: z.enum(EXPECTATION_CHECKS).default('not null').meta({ title: 'Check' }),
    column: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .meta({ title: 'Column', widget: 'column', shownWhen: { check: EXPECTATION_CHECKS.filter(needsColumn) } }),
    severity: z.enum(['fail', 'warn']).default('fail').meta({ title: 'If it fails', description: 'fail stops the steps after this one; warn only reports' }),
    type: z.enum(TYPE_FAMILIES).optional().meta({ title: 'Type', description: 'For "column type"', shownWhen: { check: ['column type'] } }),
    min: z.number().optional().meta({ title: 'Min', description: 'For "in range" and "row count" (inclusive)', shownWhen: { check: ['in range', 'row count'] } }),
    max: z.number().optional().meta({ title: 'Max', description: 'For "in range" and "row count" (inclusive)', shownWhen: { check: ['in range', 'row count'] } }),
    values: valueList.optional().meta({ title: 'Allowed values', description: 'For "in allowed values": comma-separated', shownWhen: { check: ['in allowed values'] } }),
    pattern: z.string().min(1).max(1000).optional().meta({ title: 'Pattern', description: 'For "matches pattern": a regular expression (RE2); anchor with ^…$ for a whole-value match', shownWhen: { check: ['matches pattern'] } }),
    maxAgeHours: z.number().positive().optional().meta({ title: 'Max age (hours)', description: 'For "fresh": the newest value may be at most this old', shownWhen: { check: ['fresh'] } }),
  })
  .superRefine((e, ctx) => {
    const need = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
    if (needsColumn(e.check) && e.column === undefined) need('column', `Pick the column to check for "${e.check}"`);
    if (e.check === 'column type' && e.type === undefined) need('type', 'Pick the expected type');
    if ((e.check === 'in range' || e.check === 'row count') && e.min === undefined && e.max === undefined) need('min', 'Give a min, a max or both');
    if (e.min !== undefined && e.max !== undefined && e.min > e.max) need('max', 'Max must be at least min');
    if (e.check === 'in allowed values' && e.values === undefined) need('values', 'List the allowed values');
    if (e.check === 'matches pattern' && e.pattern === undefined) need('pattern', 'Give the pattern values must match');
    if (e.check === 'fresh' && e.maxAgeHours === undefined) need('maxAgeHours', 'Give the largest allowed age in hours');
  });
export type Expectation = z.output<typeof expectationSchema>;

/** A short name for an expectation, as the run page and messages show it. */
export function describeExpectation(e: Expectation): string {
  const col = e.column !== undefined ? `"${e.column}" ` : '';
  const bounds = [e.min !== undefined ? `≥ ${e.min}` : '', e.max !== undefined ? `≤ ${e.max}` : ''].filter(Boolean).join(' and ');
  switch (e.check) {
    case 'column exists':
      return `${col}exists`;
    case 'column type':
      return `${col}is ${e.type}`;
    case 'not null':
      return `${col}is never null`;
    case 'unique':
      return `${col}is unique`;
    case 'in range':
      return `${col}is ${bounds}`;
    case 'in allowed values':
      return `${col}is one of ${(e.values ?? []).slice(0, 5).join(', ')}${(e.values ?? []).length > 5 ? ', …' : ''}`;
    case 'matches pattern':
      return `${col}matches /${e.pattern}/`;
    case 'row count':
      return `row count is ${bounds}`;
    case 'fresh':
      return `newest ${col}is at most ${e.maxAgeHours} h old`;
  }
}

export default defineStep({
  type: 'validate.data',
  category: 'validate',
  title: 'Data checks',
  summary: 'Check a table against expectations; stop the pipeline when one fails.',
  help:
    'Runs each expectation on the table in DuckDB: a column exists or has a type, has no nulls, is unique, lies in a range, ' +
    'takes only allowed values or matches a pattern (RE2, searched anywhere in the value; nulls are left to "not null"), ' +
    'the row count lies between bounds, or the newest value of a date or timestamp column is recent (naive timestamps are UTC). ' +
    'Each reports how many rows fail and shows a sample of them. An expectation set to "fail" stops the steps that depend on ' +
    'this one, as a failed gate does; "warn" only reports. When nothing fails, the table passes through unchanged.',
  inputs: { table: port.table('Table') },
  outputs: { table: port.table('Table') },
  params: z.object({
    expectations: z.array(expectationSchema).min(1, 'Add at least one expectation').max(200).meta({ title: 'Expectations' }),
    sampleRows: z.number().int().min(1).max(50).default(10).meta({ title: 'Sample rows', description: 'Failing rows shown per expectation', advanced: true }),
  }),
  outputSchema: ({ inputs }) => (inputs.table ? { table: inputs.table } : {}),
  check: ({ params, inputs }) => {
    const schema = inputs.table;
    if (!schema) return [];
    const issues: DesignIssue[] = [];
    params.expectations.forEach((e, i) => {
      if (e.column === undefined || !needsColumn(e.check)) return;
      const path = `params.expectations.${i}.column`;
      const col = findColumn(schema, e.column);
      if (!col) {
        // Checking that a column exists is the point of "column exists": say so now, decide at run time.
        issues.push({
          path,
          severity: e.check === 'column exists' ? 'warning' : undefined,
          message: `Column "${e.column}" is not in the input table (columns: ${listColumns(schema)})`,
        });
        return;
      }
      const kind = columnKind(col.type);
      if (e.check === 'in range' && kind !== 'number') {
        issues.push({ path, message: `"in range" needs a number column; "${e.column}" is ${col.type}` });
      }
      if (e.check === 'fresh' && !/^(DATE|TIMESTAMP)/i.test(col.type)) {
        issues.push({ path, message: `"fresh" needs a date or timestamp column; "${e.column}" is ${col.type}` });
      }
    });
    return issues;
  },
});
