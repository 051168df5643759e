import { z } from 'zod';
import { defineStep, port } from '../../core/step';

export default defineStep({
  type: 'prepare.sample',
  category: 'prepare',
  title: 'Sample rows',
  summary: 'Keep a random subset of rows, the same one on every run.',
  help:
    'Keeps a number of rows, or a fraction of them, chosen at random with a fixed seed: the same seed on the same ' +
    'table gives the same rows every time, and another seed gives another sample. Kept rows stay in table order. ' +
    'Asking for more rows than the table has keeps them all.',
  inputs: { table: port.table('Table') },
  outputs: { table: port.table('Table') },
  params: z.object({
    size: z.enum(['fraction', 'rows']).default('fraction').meta({ title: 'Sample by', description: 'A fraction of the rows, or a number of rows' }),
    fraction: z.number().gt(0).max(1).default(0.1).meta({ title: 'Fraction', description: 'Used when sampling by fraction' }),
    rows: z.number().int().min(1).default(1000).meta({ title: 'Rows', description: 'Used when sampling by rows' }),
    seed: z.number().int().min(0).default(0).meta({ title: 'Seed' }),
  }),
  outputSchema: ({ inputs }) => (inputs.table ? { table: inputs.table } : {}),
});
