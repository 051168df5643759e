// The algorithms and tasks the Python fitter knows: shared by the train steps' definitions and the fitter glue.

export const FIT_ALGORITHMS = [
  'random_forest',
  'linear_regression',
  'logistic_regression',
  'decision_tree',
  'gradient_boosting',
  'kmeans',
  'tune',
] as const;
export type FitAlgorithm = (typeof FIT_ALGORITHMS)[number];

export const FIT_TASKS = ['auto', 'classification', 'regression', 'clustering'] as const;
export type FitTask = (typeof FIT_TASKS)[number];
