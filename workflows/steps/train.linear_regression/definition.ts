import { z } from 'zod';
import { defineFitStep, fitDataParams } from '../shared/fit-step';

export default defineFitStep({
  type: 'train.linear_regression',
  title: 'Linear regression',
  summary: 'Ordinary least squares for a numeric target.',
  help: 'Fits a linear regression (scikit-learn) to predict a numeric column.',
  algorithm: 'linear_regression',
  task: () => 'regression',
  params: z.object({
    ...fitDataParams,
    fitIntercept: z.boolean().default(true).meta({ title: 'Fit intercept' }),
  }),
});
