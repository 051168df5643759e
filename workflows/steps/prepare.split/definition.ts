import { z } from 'zod';
import { column, defineStep, port } from '../../core/step';

export default defineStep({
  type: 'prepare.split',
  category: 'prepare',
  title: 'Train/test split',
  summary: 'Split rows into a training and a test table.',
  help:
    'Shuffles the rows with a fixed seed and holds out a fraction as the test table. ' +
    'With "Stratify by", each value of that column keeps its share in both tables.',
  inputs: { table: port.table('Table') },
  outputs: { train: port.table('Train'), test: port.table('Test') },
  params: z.object({
    testFraction: z.number().gt(0).lt(1).default(0.2).meta({ title: 'Test fraction' }),
    seed: z.number().int().min(0).default(0).meta({ title: 'Seed' }),
    stratifyBy: column('Stratify by', 'Optional: keep the class balance of this column').optional(),
  }),
  // Rows move, columns do not.
  outputSchema: ({ inputs }) => (inputs.table ? { train: inputs.table, test: inputs.table } : {}),
});
