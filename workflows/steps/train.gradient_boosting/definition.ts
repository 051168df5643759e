import { z } from 'zod';
import { defineFitStep, fitDataParams, taskParam } from '../shared/fit-step';

export default defineFitStep({
  type: 'train.gradient_boosting',
  title: 'Gradient boosting',
  summary: 'Trees added one by one, each fixing the last ones’ errors (LightGBM).',
  help:
    'Fits a LightGBM gradient-boosted tree classifier or regressor, usually the most accurate choice for tabular data. ' +
    'More trees with a lower learning rate generalise better but fit slower.',
  algorithm: 'gradient_boosting',
  task: (p) => p.task,
  params: z.object({
    ...fitDataParams,
    task: taskParam(),
    trees: z.number().int().min(1).max(10000).default(100).meta({ title: 'Trees (boosting rounds)' }),
    learningRate: z.number().gt(0).max(1).default(0.1).meta({ title: 'Learning rate', advanced: true }),
    numLeaves: z.number().int().min(2).max(4096).default(31).meta({ title: 'Leaves per tree', advanced: true }),
    maxDepth: z.number().int().min(1).max(100).optional().meta({ title: 'Max depth', description: 'Empty = unlimited', advanced: true }),
    minChildSamples: z.number().int().min(1).max(100000).default(20).meta({ title: 'Min rows per leaf', advanced: true }),
    subsample: z
      .number()
      .gt(0)
      .max(1)
      .default(1)
      .meta({ title: 'Row sample per tree', description: 'Fraction of the rows each tree sees; 1 = all', advanced: true }),
    seed: z.number().int().min(0).default(0).meta({ title: 'Seed', advanced: true }),
  }),
});
