import { z } from 'zod';

// The vocabulary every step definition is written in. Isomorphic: no Node APIs here.
import type { ApprovalPlan } from './plan';
import type { SqlRequest } from './sql';
import type { TableSchema } from './table-schema';

export const PORT_TYPES = ['table', 'model', 'metrics', 'report', 'signal'] as const;
export type PortType = (typeof PORT_TYPES)[number];

export const CATEGORIES = [
  { id: 'ingest', title: 'Ingest' },
  { id: 'prepare', title: 'Prepare' },
  { id: 'train', title: 'Train' },
  { id: 'validate', title: 'Validate' },
  { id: 'deploy', title: 'Deploy' },
  { id: 'monitor', title: 'Monitor' },
  { id: 'export', title: 'Export' },
  { id: 'control', title: 'Control' },
] as const;
export type Category = (typeof CATEGORIES)[number]['id'];

export interface PortSpec {
  type: PortType;
  title: string;
  optional: boolean;
}

function portOf(type: PortType) {
  return (title: string = type, opts: { optional?: boolean } = {}): PortSpec => ({
    type,
    title,
    optional: opts.optional ?? false,
  });
}

export const port = {
  table: portOf('table'),
  model: portOf('model'),
  metrics: portOf('metrics'),
  report: portOf('report'),
  signal: portOf('signal'),
};

/** UI hints travel inside the parameter schema (zod meta → JSON Schema), so the form needs nothing else. */
export type Widget = 'column' | 'columns' | 'dataset' | 'endpoint' | 'sql' | 'sql-expression';

/**
 * A column of an upstream table, picked by name. `of` names the input port whose table it comes from
 * (default: the step's first table input); the compiler checks it exists there at design time.
 */
export const column = (title = 'Column', description?: string, of?: string) =>
  z.string().min(1, 'Pick a column').meta({ title, description, widget: 'column' satisfies Widget, of });

export const columns = (title = 'Columns', description?: string, of?: string) =>
  z
    .array(z.string().min(1))
    .min(1, 'Pick at least one column')
    .meta({ title, description, widget: 'columns' satisfies Widget, of });

export type TaskQueueKind = 'default' | 'fit';

export interface RetryPolicySpec {
  maximumAttempts: number;
  initialIntervalSeconds: number;
}

/** What a step knows at design time: the schemas of its connected table inputs (undefined = not known yet). */
export interface DesignArgs<P = Record<string, unknown>> {
  params: P;
  inputs: Record<string, TableSchema | undefined>;
  /** Looks up a dataset's schema (undefined when no dataset information was given, 'missing' when it does not exist). */
  dataset(name: string, version?: number): { version: number; columns: TableSchema } | 'missing' | undefined;
  /**
   * The columns a query over the inputs returns, as DuckDB describes it (undefined while not known yet,
   * or when the query cannot run: that is then an error on the node at `path`, e.g. "params.sql").
   * Absent where nothing can describe SQL (a step then leaves its output schema unknown).
   */
  describeSql?(request: SqlRequest, path: string): TableSchema | undefined;
}

/** A design-time problem a step reports about its own parameters. */
export interface DesignIssue {
  /** Dotted path under the node, e.g. "params.target". */
  path: string;
  message: string;
  /** Warnings do not block saving (e.g. a dataset that is not uploaded yet). */
  severity?: 'error' | 'warning' | 'run-error';
}

export interface StepDefinition<
  P extends z.ZodObject = z.ZodObject,
  I extends Record<string, PortSpec> = Record<string, PortSpec>,
  O extends Record<string, PortSpec> = Record<string, PortSpec>,
> {
  type: string;
  category: Category;
  title: string;
  /** One line for the palette. */
  summary: string;
  /** A paragraph for the inspector and the docs. */
  help: string;
  inputs: I;
  outputs: O;
  params: P;
  queue: TaskQueueKind;
  retry: RetryPolicySpec;
  timeoutSeconds: number;
  heartbeatSeconds: number;
  /**
   * The step's code version: part of its cache key, so bump it when the step's behaviour changes
   * (different outputs for the same inputs and parameters).
   */
  version: number;
  /**
   * Whether an earlier success with the same type, parameters, input artifacts and version may stand in
   * for running it (step cache). False for steps with side effects or reads from outside their inputs.
   */
  cacheable: boolean;
  /** When it depends on the parameters: overrides `cacheable`. */
  cacheableWith?(params: z.output<P>): boolean;
  /** A step that waits for a person's decision (control.approval): how long, and what a timeout decides. */
  approval?(params: z.output<P>): ApprovalPlan | undefined;
  /**
   * How the output tables' columns follow from the inputs and parameters, without running.
   * Ports left out have an unknown schema (and are not checked at run time).
   */
  outputSchema?(args: DesignArgs<z.output<P>>): Partial<Record<keyof O, TableSchema>>;
  /** Checks beyond the parameter schema and column existence, e.g. "the target must be numeric". */
  check?(args: DesignArgs<z.output<P>>): DesignIssue[];
}

type StepInput<P extends z.ZodObject, I extends Record<string, PortSpec>, O extends Record<string, PortSpec>> = Omit<
  StepDefinition<P, I, O>,
  'queue' | 'retry' | 'timeoutSeconds' | 'heartbeatSeconds' | 'version' | 'cacheable'
> &
  Partial<Pick<StepDefinition<P, I, O>, 'queue' | 'retry' | 'timeoutSeconds' | 'heartbeatSeconds' | 'version' | 'cacheable'>>;

export function defineStep<
  P extends z.ZodObject,
  I extends Record<string, PortSpec>,
  O extends Record<string, PortSpec>,
>(def: StepInput<P, I, O>): StepDefinition<P, I, O> {
  return {
    queue: 'default',
    retry: { maximumAttempts: 3, initialIntervalSeconds: 1 },
    timeoutSeconds: 10 * 60,
    heartbeatSeconds: 15,
    version: 1,
    cacheable: true,
    ...def,
    // Unknown parameters are errors, never silently dropped.
    params: def.params.strict() as unknown as P,
  };
}

export type ParamsOf<D> = D extends StepDefinition<infer P, Record<string, PortSpec>, Record<string, PortSpec>>
  ? z.output<P>
  : never;
