import { z } from 'zod';
import { columns, defineStep } from '../../core/step';
import { findColumn } from '../../core/table-schema';
import { LEARNED_HELP, learnedColumnIssues, learnedOutputs, learnedPorts } from '../shared/learned-step';

export default defineStep({
  type: 'prepare.scale',
  category: 'prepare',
  title: 'Scale numbers',
  summary: 'Standardise numeric columns (mean 0, deviation 1) or rescale them to 0–1.',
  help:
    'Standard: (value − mean) / standard deviation (the population deviation, as scikit-learn\'s StandardScaler). ' +
    'Min-max: (value − minimum) / (maximum − minimum), so training values fall in 0–1 (later values may fall outside). ' +
    'A column with a single value is only shifted. Missing values stay missing; the columns become DOUBLE.' +
    LEARNED_HELP,
  ...learnedPorts,
  params: z.object({
    columns: columns('Columns', 'The numeric columns to scale'),
    method: z.enum(['standard', 'minmax']).default('standard').meta({ title: 'Method' }),
  }),
  outputSchema: ({ params, inputs }) =>
    learnedOutputs(inputs, { kind: 'scale', columns: params.columns.map((name) => ({ name, method: params.method, center: 0, scale: 1 })) }),
  check: ({ params, inputs }) =>
    learnedColumnIssues(
      inputs,
      params.columns
        .filter((c) => !inputs.train || findColumn(inputs.train, c))
        .map((name) => ({ name, path: `params.columns.${params.columns.indexOf(name)}`, kind: 'scale' as const, what: 'only numeric columns can be scaled' })),
    ),
});
