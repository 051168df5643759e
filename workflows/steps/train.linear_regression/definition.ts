import { z } from 'zod';
import { defineFitStep, fitDataParams } from '../shared/fit-step';

export default defineFitStep({
  type: 'train.linear_regression',
  title: 'Linear regression',
  summary: 'Least squares for a numeric target, plain or regularised (ridge, lasso).',
  help:
    'Fits a linear regression (scikit-learn) to predict a numeric column. Ridge shrinks the coefficients towards zero ' +
    '(an L2 penalty), lasso sets some of them to exactly zero (L1), both by the strength alpha on standardised features.',
  algorithm: 'linear_regression',
  task: () => 'regression',
  params: z.object({
    ...fitDataParams,
    regularization: z
      .enum(['none', 'ridge', 'lasso'])
      .default('none')
      .meta({ title: 'Regularisation', description: 'None = ordinary least squares; ridge = L2; lasso = L1' }),
    alpha: z.number().gt(0).max(1e6).default(1).meta({ title: 'Strength (alpha)', description: 'Ridge and lasso only', advanced: true }),
    fitIntercept: z.boolean().default(true).meta({ title: 'Fit intercept', advanced: true }),
  }),
});
