import { z } from 'zod';
import { defineFitStep, fitDataParams, taskParam } from '../shared/fit-step';

export const TUNABLE_ALGORITHMS = ['random_forest', 'gradient_boosting', 'decision_tree', 'logistic_regression', 'linear_regression'] as const;

export default defineFitStep({
  type: 'train.tune',
  title: 'Tune hyperparameters',
  summary: 'Tries many settings of one algorithm by cross-validation and keeps the best.',
  help:
    'Searches the hyperparameters of one algorithm (a built-in grid, or random draws from wide ranges) by k-fold ' +
    'cross-validation on the training table — accuracy for classification, R² for regression — reports every trial ' +
    'in a table and a chart, and outputs the best candidate refitted on every row. Preprocessing is learned inside ' +
    'each fold, so no fold sees its held-out rows.',
  algorithm: 'tune',
  task: (p) => (p.algorithm === 'linear_regression' ? 'regression' : p.algorithm === 'logistic_regression' ? 'classification' : p.task),
  params: z.object({
    ...fitDataParams,
    task: taskParam({ advanced: true }),
    algorithm: z
      .enum(TUNABLE_ALGORITHMS)
      .default('random_forest')
      .meta({ title: 'Algorithm', description: 'The algorithm whose hyperparameters are searched', advanced: true }),
    search: z
      .enum(['grid', 'random'])
      .default('grid')
      .meta({ title: 'Search', description: 'Grid: every combination of a built-in grid; random: draws from wide ranges', advanced: true }),
    trials: z.number().int().min(1).max(500).default(20).meta({ title: 'Trials', description: 'Random search only', advanced: true }),
    folds: z.number().int().min(2).max(20).default(5).meta({ title: 'Folds (k)', advanced: true }),
    seed: z.number().int().min(0).default(0).meta({ title: 'Seed', description: 'Folds, random draws and the models', advanced: true }),
  }),
});
