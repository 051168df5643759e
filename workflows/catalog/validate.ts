import { z } from 'zod';
import { defineStep, port } from './define';

export const validateEvaluate = defineStep({
  type: 'validate.evaluate',
  category: 'validate',
  title: 'Evaluate',
  summary: 'Score a model on a held-out table and compute metrics.',
  help:
    'Scores every row of the table with the model (ONNX runtime) and compares with the true target. ' +
    'Classification: accuracy, macro precision, recall and F1, confusion matrix. Regression: RMSE, MAE, R².',
  inputs: { model: port.model('Model'), table: port.table('Test table') },
  outputs: { metrics: port.metrics('Metrics') },
  params: z.object({}),
});

export const GATE_OPS = ['>=', '>', '<=', '<', '==', '!='] as const;

export const validateGate = defineStep({
  type: 'validate.gate',
  category: 'validate',
  title: 'Quality gate',
  summary: 'Let the pipeline continue only if metrics pass every rule.',
  help:
    'Checks each rule against the metrics. When all pass, the "pass" signal is emitted; when any fails, ' +
    'the steps that depend on it are skipped and the run still succeeds: a gate is a decision, not an error.',
  inputs: { metrics: port.metrics('Metrics') },
  outputs: { pass: port.signal('Pass') },
  params: z.object({
    rules: z
      .array(
        z.object({
          metric: z.string().min(1).meta({ title: 'Metric', description: 'e.g. accuracy, f1_macro, rmse, r2' }),
          op: z.enum(GATE_OPS).default('>=').meta({ title: 'Operator' }),
          value: z.number().meta({ title: 'Value' }),
        }),
      )
      .min(1, 'Add at least one rule')
      .meta({ title: 'Rules' }),
  }),
});
