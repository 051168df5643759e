import { z } from 'zod';
import { defineStep, port } from '../../core/step';

export const GATE_OPS = ['>=', '>', '<=', '<', '==', '!='] as const;

export default defineStep({
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
        z.strictObject({
          metric: z.string().min(1).max(100).meta({ title: 'Metric', description: 'e.g. accuracy, f1_macro, rmse, r2' }),
          op: z.enum(GATE_OPS).default('>=').meta({ title: 'Operator' }),
          value: z.number().meta({ title: 'Value' }),
        }),
      )
      .min(1, 'Add at least one rule')
      .max(100)
      .meta({ title: 'Rules' }),
  }),
});
