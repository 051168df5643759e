import { z } from 'zod';
import { defineFitStep, fitDataParams } from '../shared/fit-step';

export default defineFitStep({
  type: 'train.logistic_regression',
  title: 'Logistic regression',
  summary: 'A linear classifier with class probabilities.',
  help: 'Fits a regularised (L2) logistic regression (scikit-learn) to predict a category; smaller C means stronger regularisation.',
  algorithm: 'logistic_regression',
  task: () => 'classification',
  params: z.object({
    ...fitDataParams,
    C: z.number().gt(0).default(1).meta({ title: 'Inverse regularisation (C)', advanced: true }),
    maxIter: z.number().int().min(10).max(100000).default(1000).meta({ title: 'Max iterations', advanced: true }),
    fitIntercept: z.boolean().default(true).meta({ title: 'Fit intercept', advanced: true }),
  }),
});
