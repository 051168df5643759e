import { port, type DesignIssue } from '../../core/step';
import { acceptsColumn, type TransformSpec, transformSchema } from '../../core/transforms';
import { findColumn, type TableSchema } from '../../core/table-schema';

// What the steps that learn from data (impute, encode, scale) share: paired fit/apply ports and the help
// text that explains them.

export const learnedPorts = {
  inputs: { train: port.table('Train (learned from)'), apply: port.table('Apply to (e.g. test)', { optional: true }) },
  outputs: { train: port.table('Train'), applied: port.table('Applied') },
};

export const LEARNED_HELP =
  ' The values are learned from the "Train" input only and then applied, unchanged, to "Train", to the optional ' +
  '"Apply to" input (connect the test table here, so nothing is learned from test rows) and, after deployment, to ' +
  'every request the endpoint receives: the learned values travel with the tables and the trained model.';

/** Both outputs' columns, when the transform's effect on them is known without the data. */
export function learnedOutputs(inputs: Record<string, TableSchema | undefined>, spec: TransformSpec | undefined) {
  if (!spec) return {};
  return {
    ...(inputs.train ? { train: transformSchema(spec, inputs.train) } : {}),
    ...(inputs.apply ? { applied: transformSchema(spec, inputs.apply) } : {}),
  };
}

/** Design-time problems: a column of the wrong kind, or missing from the table the values are applied to. */
export function learnedColumnIssues(
  inputs: Record<string, TableSchema | undefined>,
  cols: { name: string; path: string; kind: Parameters<typeof acceptsColumn>[0]; what: string }[],
): DesignIssue[] {
  const issues: DesignIssue[] = [];
  for (const c of cols) {
    const col = inputs.train && findColumn(inputs.train, c.name);
    if (col && !acceptsColumn(c.kind, col.type)) issues.push({ path: c.path, message: `"${c.name}" is ${col.type}: ${c.what}` });
    if (inputs.apply && !findColumn(inputs.apply, c.name)) issues.push({ path: c.path, message: `Column "${c.name}" is not in the "Apply to" table` });
  }
  return issues;
}
