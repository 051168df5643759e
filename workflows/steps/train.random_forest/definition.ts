import { z } from 'zod';
import { defineFitStep, fitDataParams, taskParam } from '../shared/fit-step';

export default defineFitStep({
  type: 'train.random_forest',
  title: 'Random forest',
  summary: 'Many decision trees voting; a robust default for tabular data.',
  help: 'Fits a random forest classifier or regressor (scikit-learn).',
  algorithm: 'random_forest',
  task: (p) => p.task,
  params: z.object({
    ...fitDataParams,
    task: taskParam(),
    trees: z.number().int().min(1).max(2000).default(100).meta({ title: 'Trees' }),
    maxDepth: z.number().int().min(1).max(100).optional().meta({ title: 'Max depth', description: 'Empty = unlimited', advanced: true }),
    minSamplesLeaf: z.number().int().min(1).max(10000).default(1).meta({ title: 'Min rows per leaf', advanced: true }),
    maxFeatures: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .meta({
        title: 'Features per split',
        description: 'Fraction of the features tried at each split; empty = √n for classification, all for regression',
        advanced: true,
      }),
    seed: z.number().int().min(0).default(0).meta({ title: 'Seed', advanced: true }),
  }),
});
