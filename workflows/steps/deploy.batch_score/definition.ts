import { z } from 'zod';
import { MODEL_ALIASES } from '../../core/model-aliases';
import { defineStep, port, type DesignArgs, type DesignIssue } from '../../core/step';
import { findColumn, listColumns, type TableSchema } from '../../core/table-schema';

/** The columns the step adds: the predicted label, a number, and every class's probability. */
export const PREDICTION_SUFFIXES = { label: '_label', value: '_value', probabilities: '_probabilities' } as const;
export const PROBABILITIES_TYPE = 'MAP(VARCHAR, DOUBLE)';

export const batchScoreParams = z.object({
  model: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ title: 'Registered model', description: 'A model of the registry (e.g. penguin-species.train); leave empty to score with the model connected to "Model"' }),
  version: z.number().int().min(1).optional().meta({ title: 'Version', description: 'Default: the alias if one is chosen, else the newest version' }),
  alias: z.enum(MODEL_ALIASES).optional().meta({ title: 'Alias', description: 'The version the alias names, e.g. production' }),
  prefix: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,40}$/, 'Letters, digits and "_", starting with a letter or "_"')
    .default('prediction')
    .meta({ title: 'Column prefix', description: 'The added columns are <prefix>_label, <prefix>_value and <prefix>_probabilities', advanced: true }),
});
export type BatchScoreParams = z.output<typeof batchScoreParams>;

/**
 * The prefix actually used: the given one, or the first of prefix_2, prefix_3, … whose columns are not in
 * the table. Deterministic in the table's columns, so design time and run time pick the same names.
 */
export function predictionPrefix(prefix: string, columns: readonly string[]): string {
  const taken = new Set(columns);
  const free = (p: string) => !Object.values(PREDICTION_SUFFIXES).some((s) => taken.has(p + s));
  if (free(prefix)) return prefix;
  for (let i = 2; ; i++) if (free(`${prefix}_${i}`)) return `${prefix}_${i}`;
}

/** The output table: the input's columns, then the three prediction columns. */
export function scoredSchema(table: TableSchema, prefix: string): TableSchema {
  const p = predictionPrefix(
    prefix,
    table.map((c) => c.name),
  );
  return [
    ...table,
    { name: p + PREDICTION_SUFFIXES.label, type: 'VARCHAR' },
    { name: p + PREDICTION_SUFFIXES.value, type: 'DOUBLE' },
    { name: p + PREDICTION_SUFFIXES.probabilities, type: PROBABILITIES_TYPE },
  ];
}

/**
 * Design-time checks: a model is chosen one way only, and when the model's features are known (a train step
 * upstream declares them on its model port) each is a column of the table.
 */
export function checkBatchScore({ params, inputs }: DesignArgs<BatchScoreParams>): DesignIssue[] {
  const issues: DesignIssue[] = [];
  if (params.version !== undefined && params.alias !== undefined) {
    issues.push({ path: 'params.alias', message: 'Choose a version or an alias, not both' });
  }
  if (!params.model && (params.version !== undefined || params.alias !== undefined)) {
    issues.push({ path: 'params.model', message: 'A version or alias needs the registered model it belongs to' });
  }
  if (params.model && inputs.model) {
    issues.push({ path: 'params.model', message: 'A model is connected to "Model": leave "Registered model" empty, or disconnect it' });
  }
  const table = inputs.table;
  const features = inputs.model;
  if (table && features) {
    for (const f of features) {
      if (!findColumn(table, f.name)) {
        issues.push({ path: 'inputs.table', message: `The model's feature "${f.name}" is not a column of the table (columns: ${listColumns(table)})` });
      }
    }
  }
  return issues;
}

export default defineStep({
  type: 'deploy.batch_score',
  category: 'deploy',
  title: 'Batch score',
  summary: 'Score every row of a table with a registered model into a new table.',
  help:
    'Scores the table with a model version: the one connected to "Model" (from a train step), or a registered model ' +
    'by name with a version or an alias such as production (default: its newest version). The output keeps every ' +
    'column of the table and adds <prefix>_label (the predicted class; the cluster for clustering; empty for ' +
    'regression), <prefix>_value (the predicted number; for classification the predicted class’s probability) and ' +
    '<prefix>_probabilities (each class’s probability, a MAP: `prediction_probabilities[\'Adelie\']`). When the table ' +
    'has columns of those names the prefix becomes prefix_2, prefix_3, …. Rows are scored in batches in the same ONNX ' +
    'runtime the endpoint uses, and with the same learned transforms (impute, encode, scale) applied first, so the ' +
    'table holds raw columns as a predict request does.',
  inputs: { table: port.table('Table'), model: port.model('Model', { optional: true }) },
  outputs: { scored: port.table('Scored table') },
  params: batchScoreParams,
  // A registry model read by name or alias may change between runs.
  cacheable: false,
  cacheableWith: (params) => !params.model || params.version !== undefined,
  timeoutSeconds: 60 * 60,
  check: checkBatchScore,
  outputSchema: ({ params, inputs }) => (inputs.table ? { scored: scoredSchema(inputs.table, params.prefix) } : {}),
});
