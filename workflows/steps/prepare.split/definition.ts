import { z } from 'zod';
import { column, defineStep, port, type DesignIssue } from '../../core/step';
import { columnKind, findColumn } from '../../core/table-schema';

export const SPLIT_MODES = ['random', 'stratified', 'time'] as const;

export default defineStep({
  type: 'prepare.split',
  category: 'prepare',
  title: 'Train/test split',
  summary: 'Split rows into a training and a test table.',
  help:
    'Random: shuffles the rows with a fixed seed and holds out a fraction as the test table. ' +
    'Stratified: the same, but each value of "Stratify by" keeps its share in both tables (a random split with ' +
    '"Stratify by" set is stratified too). Time: the latest fraction of rows by the time column is the test table, ' +
    'so the model is tested on what came after what it learned from; rows with an empty time count as earliest, ' +
    'equal times keep table order. Both tables keep the original row order.',
  inputs: { table: port.table('Table') },
  outputs: { train: port.table('Train'), test: port.table('Test') },
  params: z.object({
    testFraction: z.number().gt(0).lt(1).default(0.2).meta({ title: 'Test fraction' }),
    seed: z.number().int().min(0).default(0).meta({ title: 'Seed' }),
    // No default: pipelines saved before modes existed keep their plan (and their cached results).
    mode: z.enum(SPLIT_MODES).optional().meta({ title: 'Mode', description: 'Empty = random (stratified when "Stratify by" is set)' }),
    stratifyBy: column('Stratify by', 'Optional: keep the class balance of this column').optional(),
    timeColumn: column('Time column', 'For a time split: the latest rows by this column are the test table').optional(),
  }),
  // Rows move, columns do not.
  outputSchema: ({ inputs }) => (inputs.table ? { train: inputs.table, test: inputs.table } : {}),
  check: ({ params, inputs }) => {
    const issues: DesignIssue[] = [];
    if (params.mode === 'stratified' && params.stratifyBy === undefined) {
      issues.push({ path: 'params.stratifyBy', message: 'A stratified split needs the column whose class balance to keep' });
    }
    if (params.mode === 'time') {
      if (params.timeColumn === undefined) issues.push({ path: 'params.timeColumn', message: 'A time split needs the column that orders the rows in time' });
      if (params.stratifyBy !== undefined) issues.push({ path: 'params.stratifyBy', message: 'A time split does not stratify: clear "Stratify by"' });
    } else if (params.timeColumn !== undefined) {
      issues.push({ path: 'params.timeColumn', message: 'Only a time split uses the time column', severity: 'warning' });
    }
    const time = params.timeColumn !== undefined && inputs.table ? findColumn(inputs.table, params.timeColumn) : undefined;
    if (params.mode === 'time' && time && !['temporal', 'number'].includes(columnKind(time.type))) {
      issues.push({ path: 'params.timeColumn', message: `"${time.name}" is ${time.type}: a time column must be a date, a timestamp or a number` });
    }
    return issues;
  },
});
