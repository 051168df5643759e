import { z } from 'zod';
import { column, columns, defineStep, port } from './define';

const common = {
  target: column('Target', 'The column to predict'),
  features: columns('Features', 'Empty = every other column').optional(),
};

const fitStep = {
  category: 'train',
  inputs: { table: port.table('Training table') },
  outputs: { model: port.model('Model') },
  queue: 'fit',
  timeoutSeconds: 60 * 60,
  heartbeatSeconds: 10,
} as const;

const learnedPreprocessing =
  ' Missing values are imputed, text columns one-hot encoded and numbers scaled inside the exported ONNX model, ' +
  'so the endpoint accepts the raw columns. Rows with a missing target are left out.';

export const trainRandomForest = defineStep({
  ...fitStep,
  type: 'train.random_forest',
  title: 'Random forest',
  summary: 'Many decision trees voting; a robust default for tabular data.',
  help: 'Fits a random forest classifier or regressor (scikit-learn).' + learnedPreprocessing,
  params: z.object({
    ...common,
    task: z.enum(['auto', 'classification', 'regression']).default('auto').meta({ title: 'Task' }),
    trees: z.number().int().min(1).max(2000).default(100).meta({ title: 'Trees' }),
    maxDepth: z.number().int().min(1).max(100).optional().meta({ title: 'Max depth', description: 'Empty = unlimited' }),
    seed: z.number().int().min(0).default(0).meta({ title: 'Seed' }),
  }),
});

export const trainLinearRegression = defineStep({
  ...fitStep,
  type: 'train.linear_regression',
  title: 'Linear regression',
  summary: 'Ordinary least squares for a numeric target.',
  help: 'Fits a linear regression (scikit-learn) to predict a numeric column.' + learnedPreprocessing,
  params: z.object({ ...common }),
});

export const trainLogisticRegression = defineStep({
  ...fitStep,
  type: 'train.logistic_regression',
  title: 'Logistic regression',
  summary: 'A linear classifier with class probabilities.',
  help: 'Fits a regularised logistic regression (scikit-learn) to predict a category.' + learnedPreprocessing,
  params: z.object({
    ...common,
    C: z.number().gt(0).default(1).meta({ title: 'Inverse regularisation (C)' }),
    maxIter: z.number().int().min(10).max(100000).default(1000).meta({ title: 'Max iterations' }),
  }),
});
