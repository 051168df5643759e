import { z } from 'zod';
import { CATEGORICAL_DRIFT_METHODS, DEFAULT_DRIFT_THRESHOLDS, driftKind, NUMERIC_DRIFT_METHODS } from '../../core/drift';
import { column, columns, defineStep, port, type DesignIssue } from '../../core/step';
import { findColumn, listColumns, type TableSchema } from '../../core/table-schema';

const threshold = (title: string, defaults: string) =>
  z
    .number()
    .min(0)
    .max(100)
    .optional()
    .meta({
      title,
      description: `Default: the method's own (${defaults})`,
      advanced: true,
    });

export const driftParams = z.object({
  columns: columns('Features', 'Default: every column both tables have', 'reference').optional(),
  numericMethod: z.enum(NUMERIC_DRIFT_METHODS).default('wasserstein').meta({
    title: 'Method for numbers',
    description: 'wasserstein: distance ÷ the reference’s standard deviation; ks: Kolmogorov–Smirnov p-value; psi and jensen_shannon on the reference’s deciles',
  }),
  categoricalMethod: z.enum(CATEGORICAL_DRIFT_METHODS).default('jensen_shannon').meta({
    title: 'Method for text and booleans',
    description: 'jensen_shannon: distance between the category shares; psi; chi_squared: p-value of the test of homogeneity',
  }),
  driftShare: z.number().min(0).max(1).default(0.5).meta({ title: 'Dataset drifts at share', description: 'The dataset counts as drifted when at least this share of the features drift' }),
  prediction: column('Prediction column', 'Compared on its own as prediction drift, not counted among the features', 'reference')
    .optional()
    .meta({ advanced: true }),
  exclude: columns('Leave out', 'Columns not to compare (ids, timestamps)', 'reference').optional().meta({ advanced: true }),
  numericThreshold: threshold(
    'Threshold for numbers',
    `Wasserstein, PSI and Jensen–Shannon: drift at ${DEFAULT_DRIFT_THRESHOLDS.wasserstein}; KS: drift when the p-value is below ${DEFAULT_DRIFT_THRESHOLDS.ks}`,
  ),
  categoricalThreshold: threshold(
    'Threshold for text and booleans',
    `PSI and Jensen–Shannon: drift at ${DEFAULT_DRIFT_THRESHOLDS.psi}; chi-squared: drift when the p-value is below ${DEFAULT_DRIFT_THRESHOLDS.chi_squared}`,
  ),
  bins: z.number().int().min(2).max(100).default(10).meta({ title: 'Quantile bins', description: 'Bins of the reference for PSI and Jensen–Shannon on numbers (10: deciles)', advanced: true }),
});
export type DriftParams = z.output<typeof driftParams>;

export default defineStep({
  type: 'monitor.drift',
  category: 'monitor',
  title: 'Data drift',
  summary: 'Compare a current table with a reference: which features drifted, and how far.',
  help:
    'Compares each feature of the current table with the reference table (for instance the training data) in DuckDB. ' +
    'Numbers: Wasserstein distance divided by the reference’s standard deviation (default, drift at 0.1), the ' +
    'Kolmogorov–Smirnov test (exact statistic; drift when the p-value is below 0.05), PSI and Jensen–Shannon distance ' +
    'on the reference’s deciles (drift at 0.1). Text and booleans: Jensen–Shannon distance between the category shares ' +
    '(default, drift at 0.1), PSI, or the chi-squared test of homogeneity (drift when the p-value is below 0.05). Every ' +
    'statistic is computed, the chosen method decides. PSI replaces an empty bin’s share by 0.0001. Nulls (and NaN or ' +
    'infinite numbers) are counted as missing and shown, and left out of the statistics; a column with values on one side only counts as drifted. The dataset ' +
    'drifts when at least the chosen share of features drift. A prediction column, when named, is compared on its own. ' +
    'The report goes out on "report"; the share of drifted features, their number and dataset drift (1 or 0) go out on ' +
    '"metrics" for a quality gate.',
  inputs: { reference: port.table('Reference'), current: port.table('Current') },
  outputs: { report: port.report('Drift report'), metrics: port.metrics('Drift metrics') },
  params: driftParams,
  check: ({ params, inputs }) => checkDriftColumns(params, inputs.reference, inputs.current),
});

/** Columns named must be in both tables, and the features compared must have one kind in both. */
export function checkDriftColumns(params: DriftParams, reference: TableSchema | undefined, current: TableSchema | undefined): DesignIssue[] {
  if (!reference || !current) return [];
  const issues: DesignIssue[] = [];
  const named: [string, string][] = [
    ...(params.columns ?? []).map((c, i): [string, string] => [c, `params.columns.${i}`]),
    ...(params.prediction ? [[params.prediction, 'params.prediction'] as [string, string]] : []),
  ];
  for (const [name, path] of named) {
    const ref = findColumn(reference, name);
    const cur = findColumn(current, name);
    if (!ref) continue; // the compiler reports it against the reference
    if (!cur) {
      issues.push({ path, message: `Column "${name}" is not in the current table (columns: ${listColumns(current)})` });
      continue;
    }
    if (driftKind(ref.type) === undefined) issues.push({ path, message: `"${name}" is ${ref.type}: drift is measured on numbers, text and booleans` });
    else if (driftKind(ref.type) !== driftKind(cur.type)) {
      issues.push({ path, message: `"${name}" is ${ref.type} in the reference but ${cur.type} in the current table` });
    }
  }
  if (!params.columns?.length) {
    const common = reference.filter((c) => findColumn(current, c.name));
    if (common.length === 0) issues.push({ path: 'params.columns', message: 'The reference and current tables have no columns in common' });
  }
  return issues;
}
