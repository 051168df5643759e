import { z } from 'zod';
import { defineFitStep, fitDataParams, taskParam } from '../shared/fit-step';

export default defineFitStep({
  type: 'train.decision_tree',
  title: 'Decision tree',
  summary: 'One tree of yes/no questions; easy to read, quick to overfit.',
  help: 'Fits a single decision tree classifier or regressor (scikit-learn, CART). Limit the depth or raise the rows per leaf to keep it general.',
  algorithm: 'decision_tree',
  task: (p) => p.task,
  params: z.object({
    ...fitDataParams,
    task: taskParam(),
    maxDepth: z.number().int().min(1).max(100).optional().meta({ title: 'Max depth', description: 'Empty = unlimited' }),
    minSamplesLeaf: z.number().int().min(1).max(10000).default(1).meta({ title: 'Min rows per leaf', advanced: true }),
    seed: z.number().int().min(0).default(0).meta({ title: 'Seed', description: 'Breaks ties between equally good splits', advanced: true }),
  }),
});
