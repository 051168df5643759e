import { z } from 'zod';
import { columns, defineStep, port } from '../../core/step';

export default defineStep({
  type: 'prepare.dedupe',
  category: 'prepare',
  title: 'Remove duplicates',
  summary: 'Drop repeated rows, keeping the first of each.',
  help:
    'Two rows are duplicates when they are equal in every compared column (empty values count as equal). ' +
    'Of each set of duplicates the first row in table order is kept; the order of the kept rows does not change. ' +
    'Leave "Compare columns" empty to compare whole rows.',
  inputs: { table: port.table('Table') },
  outputs: { table: port.table('Table') },
  params: z.object({
    columns: columns('Compare columns', 'Rows are duplicates when these columns are equal. Empty = all columns').optional(),
  }),
  // Rows go, columns stay.
  outputSchema: ({ inputs }) => (inputs.table ? { table: inputs.table } : {}),
});
