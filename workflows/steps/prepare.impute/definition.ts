import { z } from 'zod';
import { column, defineStep } from '../../core/step';
import { findColumn } from '../../core/table-schema';
import { imputedType } from '../../core/transforms';
import { LEARNED_HELP, learnedColumnIssues, learnedOutputs, learnedPorts } from '../shared/learned-step';

const STRATEGIES = ['mean', 'median', 'mode', 'constant'] as const;

export default defineStep({
  type: 'prepare.impute',
  category: 'prepare',
  title: 'Fill missing values',
  summary: 'Replace missing values with a learned mean, median, most frequent value or a constant.',
  help:
    'For each chosen column, missing values are replaced: with the mean or median (numbers; the column becomes DOUBLE), ' +
    'the most frequent value (ties go to the smallest) or a constant you give, read as the column\'s type.' +
    LEARNED_HELP,
  ...learnedPorts,
  params: z.object({
    columns: z
      .array(
        z.strictObject({
          column: column('Column'),
          strategy: z.enum(STRATEGIES).default('mean').meta({ title: 'Fill with' }),
          value: z.string().max(1000).optional().meta({ title: 'Constant', description: 'Only for "constant"', shownWhen: { strategy: ['constant'] } }),
        }),
      )
      .min(1, 'Add at least one column')
      .meta({ title: 'Columns' }),
  }),
  outputSchema: ({ params, inputs }) => {
    if (!inputs.train) return {};
    const columns = params.columns.flatMap((r) => {
      const col = findColumn(inputs.train!, r.column);
      return col ? [{ name: r.column, strategy: r.strategy, value: 0, type: imputedType(r.strategy, col.type) }] : [];
    });
    return learnedOutputs(inputs, { kind: 'impute', columns });
  },
  check: ({ params, inputs }) => {
    const issues = params.columns.flatMap((r, i) => {
      const path = `params.columns.${i}`;
      const problems = [];
      if (inputs.train && !findColumn(inputs.train, r.column)) problems.push({ path: `${path}.column`, message: `Column "${r.column}" is not in the training table` });
      if (r.strategy === 'constant' && r.value === undefined) problems.push({ path: `${path}.value`, message: 'Give the constant to fill in' });
      if (r.strategy !== 'constant' && r.value !== undefined) problems.push({ path: `${path}.value`, message: `A constant is only used with "constant", not "${r.strategy}"` });
      return problems;
    });
    const seen = new Set<string>();
    params.columns.forEach((r, i) => {
      if (seen.has(r.column)) issues.push({ path: `params.columns.${i}.column`, message: `Column "${r.column}" is listed twice` });
      seen.add(r.column);
    });
    return [
      ...issues,
      ...learnedColumnIssues(
        inputs,
        params.columns.map((r, i) =>
          r.strategy === 'mean' || r.strategy === 'median'
            ? { name: r.column, path: `params.columns.${i}.column`, kind: 'impute-number' as const, what: `a ${r.strategy} needs a numeric column` }
            : { name: r.column, path: `params.columns.${i}.column`, kind: 'impute' as const, what: 'only numbers, text and true/false can be filled' },
        ),
      ),
    ];
  },
});
