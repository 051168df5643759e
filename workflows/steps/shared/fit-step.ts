import { z } from 'zod';
import { FIT_ALGORITHMS, type FitAlgorithm, type FitTask } from '../../core/fit';
import { column, columns, defineStep, port, type DesignArgs, type DesignIssue, type StepDefinition } from '../../core/step';
import { columnKind, findColumn, type TableSchema } from '../../core/table-schema';

// What the train steps share: ports, queue, the target/features parameters and the fitter's name for the
// algorithm. Every other parameter is a hyperparameter sent to workflows/ml/fit.py as it is (a unit test
// keeps the fitter's accepted names equal to these).

export { FIT_ALGORITHMS, type FitAlgorithm, type FitTask };

/** The task choice of steps that can both classify and regress. */
export const taskParam = (opts: { advanced?: boolean } = {}) =>
  z
    .enum(['auto', 'classification', 'regression'])
    .default('auto')
    .meta({
      title: 'Task',
      description: 'Auto: classification for text, boolean or few whole-number values; regression otherwise',
      ...opts,
    });

/** Parameters every train step has that are not hyperparameters. */
export const FIT_DATA_PARAMS = ['target', 'features', 'task'] as const;

export const fitDataParams = {
  target: column('Target', 'The column to predict'),
  features: columns('Features', 'Empty = every other column').optional(),
};

/** Clustering has no target: only the columns to cluster on. */
export const fitFeatureParams = {
  features: columns('Features', 'Empty = every column').optional(),
};

const learnedPreprocessing =
  ' Missing values are imputed, text columns one-hot encoded and numbers scaled inside the exported ONNX model, ' +
  'so the endpoint accepts the raw columns. Rows with a missing target are left out.';
const clusteringPreprocessing =
  ' Missing values are imputed, text columns one-hot encoded and numbers scaled inside the exported ONNX model, ' +
  'so the endpoint accepts the raw columns and answers with a cluster number.';

type FitParams = { target?: string; features?: string[]; task?: FitTask };

export type FitStepDefinition<P extends z.ZodObject = z.ZodObject> = StepDefinition<
  P,
  { table: ReturnType<typeof port.table> },
  { model: ReturnType<typeof port.model> }
> & { fit: { algorithm: FitAlgorithm; task(params: z.output<P>): FitTask } };

/** The design-time rule every fit shares: a regression target must be numeric. */
function checkFit(task: (p: FitParams) => FitTask, title: string) {
  return ({ params, inputs }: DesignArgs<FitParams>): DesignIssue[] => {
    const schema = inputs.table;
    if (!schema || params.target === undefined) return [];
    const target = findColumn(schema, params.target);
    if (!target) return [];
    const issues: DesignIssue[] = [];
    const kind = columnKind(target.type);
    if (task(params) === 'regression' && kind !== 'number') {
      issues.push({
        path: 'params.target',
        message: `"${target.name}" is ${kind} (${target.type}); the target of a ${title.toLowerCase()} must be numeric`,
      });
    }
    for (const [i, f] of (params.features ?? []).entries()) {
      if (f === params.target) issues.push({ path: `params.features.${i}`, message: `"${f}" is the target; it cannot also be a feature` });
    }
    return issues;
  };
}

/**
 * A model port's design-time schema: the feature columns the model will take (the chosen ones, else every
 * column but the target that the fitter can use), so a step scoring tables with it can check them.
 */
function modelFeatures({ params, inputs }: DesignArgs<FitParams>): TableSchema | undefined {
  const table = inputs.table;
  if (!table) return undefined;
  if (params.features?.length) return params.features.map((name) => findColumn(table, name)).filter((c) => c !== undefined);
  return table.filter((c) => c.name !== params.target && ['number', 'text', 'boolean'].includes(columnKind(c.type)));
}

export function defineFitStep<P extends z.ZodObject>(def: {
  type: string;
  title: string;
  summary: string;
  help: string;
  params: P;
  algorithm: FitAlgorithm;
  task: (params: z.output<P>) => FitTask;
  /** Design-time rules of this step beyond the shared ones. */
  check?: (args: DesignArgs<z.output<P>>) => DesignIssue[];
}): FitStepDefinition<P> {
  const shared = checkFit(def.task as (p: FitParams) => FitTask, def.title);
  const step = defineStep({
    type: def.type,
    category: 'train',
    title: def.title,
    summary: def.summary,
    help: def.help + ('target' in def.params.shape ? learnedPreprocessing : clusteringPreprocessing),
    inputs: { table: port.table('Training table') },
    outputs: { model: port.model('Model') },
    params: def.params,
    queue: 'fit',
    timeoutSeconds: 60 * 60,
    heartbeatSeconds: 10,
    check: ((args: DesignArgs<z.output<P>>) => [
      ...shared(args as unknown as DesignArgs<FitParams>),
      ...(def.check?.(args) ?? []),
    ]) as StepDefinition<P>['check'],
    outputSchema: ((args: DesignArgs<z.output<P>>) => {
      const features = modelFeatures(args as unknown as DesignArgs<FitParams>);
      return features ? { model: features } : {};
    }) as StepDefinition<P>['outputSchema'],
  });
  return { ...step, fit: { algorithm: def.algorithm, task: def.task } };
}

/** The hyperparameters of a fit step: its parameters less target, features and task. */
export function hyperparameterNames(def: StepDefinition): string[] {
  return Object.keys(def.params.shape).filter((k) => !(FIT_DATA_PARAMS as readonly string[]).includes(k));
}
