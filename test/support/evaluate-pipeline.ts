// Pipelines that exercise the data-check, evaluation, comparison and export steps on the seeded penguins.

export const EVALUATE_PIPELINE = {
  apiVersion: 'millrace/v1',
  name: 'penguin-checks',
  nodes: [
    { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
    {
      id: 'check',
      type: 'validate.data',
      params: {
        expectations: [
          { check: 'not null', column: 'Species' },
          { check: 'row count', min: 300 },
          { check: 'in allowed values', column: 'Island', values: 'Biscoe, Dream, Torgersen' },
          { check: 'not null', column: 'Beak Length (mm)', severity: 'warn' },
          { check: 'in range', column: 'Body Mass (g)', min: 3000, max: 6000, severity: 'warn' },
        ],
      },
    },
    { id: 'split', type: 'prepare.split', params: { testFraction: 0.3, seed: 3, stratifyBy: 'Species' } },
    { id: 'forest', type: 'train.random_forest', params: { target: 'Species', trees: 30 } },
    { id: 'logistic', type: 'train.logistic_regression', params: { target: 'Species' } },
    { id: 'mass', type: 'train.linear_regression', params: { target: 'Body Mass (g)' } },
    { id: 'eval', type: 'validate.evaluate', params: {} },
    { id: 'evalMass', type: 'validate.evaluate', params: {} },
    { id: 'compare', type: 'validate.compare', params: { metric: 'log_loss' } },
    { id: 'gate', type: 'validate.gate', params: { rules: [{ metric: 'accuracy', op: '>=', value: 0.8 }] } },
    { id: 'ship', type: 'deploy.endpoint', params: { endpoint: 'penguin-best' } },
    { id: 'export', type: 'export.file', params: { format: 'csv', fileName: 'penguins checked' } },
  ],
  edges: [
    { from: 'load.table', to: 'check.table' },
    { from: 'check.table', to: 'split.table' },
    { from: 'split.train', to: 'forest.table' },
    { from: 'split.train', to: 'logistic.table' },
    { from: 'split.train', to: 'mass.table' },
    { from: 'forest.model', to: 'eval.model' },
    { from: 'split.test', to: 'eval.table' },
    { from: 'mass.model', to: 'evalMass.model' },
    { from: 'split.test', to: 'evalMass.table' },
    { from: 'split.test', to: 'compare.table' },
    { from: 'forest.model', to: 'compare.model1' },
    { from: 'logistic.model', to: 'compare.model2' },
    { from: 'compare.metrics', to: 'gate.metrics' },
    { from: 'compare.best', to: 'ship.model' },
    { from: 'gate.pass', to: 'ship.after' },
    { from: 'check.table', to: 'export.table' },
  ],
};

/** A check set to fail on the two penguins without a beak length: the export after it must not run. */
export const BLOCKED_PIPELINE = {
  apiVersion: 'millrace/v1',
  name: 'penguin-blocked',
  nodes: [
    { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
    { id: 'check', type: 'validate.data', params: { expectations: [{ check: 'not null', column: 'Beak Length (mm)' }] } },
    { id: 'export', type: 'export.file', params: { format: 'parquet' } },
  ],
  edges: [
    { from: 'load.table', to: 'check.table' },
    { from: 'check.table', to: 'export.table' },
  ],
};
