import { z } from 'zod';
import { columns, defineStep } from '../../core/step';
import { findColumn } from '../../core/table-schema';
import { ENCODED_TYPE } from '../../core/transforms';
import { LEARNED_HELP, learnedColumnIssues, learnedPorts } from '../shared/learned-step';

export default defineStep({
  type: 'prepare.encode',
  category: 'prepare',
  title: 'Encode categories',
  summary: 'Turn category columns into numbers: one-hot indicators or ordinal codes.',
  help:
    'One-hot replaces a column by one 0/1 column per value seen in training, named "column_value"; a missing value or a value ' +
    'never seen in training gets 0 in all of them. Ordinal replaces each value by its position among the sorted training ' +
    'values (0, 1, …); a value never seen in training becomes -1 and a missing value stays missing. Works on text, ' +
    'whole-number and true/false columns. The one-hot columns depend on the data, so later steps learn them when it runs.' +
    LEARNED_HELP,
  ...learnedPorts,
  params: z.object({
    columns: columns('Columns', 'The category columns to encode'),
    method: z.enum(['onehot', 'ordinal']).default('onehot').meta({ title: 'Method' }),
  }),
  // Ordinal codes keep the columns (as INTEGER); one-hot columns are only known once the values are.
  outputSchema: ({ params, inputs }) => {
    if (params.method === 'onehot') return {};
    const recode = (schema: typeof inputs.train) => schema?.map((c) => (params.columns.includes(c.name) ? { name: c.name, type: ENCODED_TYPE } : c));
    return { ...(inputs.train ? { train: recode(inputs.train) } : {}), ...(inputs.apply ? { applied: recode(inputs.apply) } : {}) };
  },
  check: ({ params, inputs }) =>
    learnedColumnIssues(
      inputs,
      params.columns
        .filter((c) => !inputs.train || findColumn(inputs.train, c))
        .map((name) => ({ name, path: `params.columns.${params.columns.indexOf(name)}`, kind: 'encode' as const, what: 'encode text, whole-number or true/false columns' })),
    ),
});
