import { z } from 'zod';

// The vocabulary every step definition is written in. Isomorphic: no Node APIs here.

export const PORT_TYPES = ['table', 'model', 'metrics', 'report', 'signal'] as const;
export type PortType = (typeof PORT_TYPES)[number];

export const CATEGORIES = [
  { id: 'ingest', title: 'Ingest' },
  { id: 'prepare', title: 'Prepare' },
  { id: 'train', title: 'Train' },
  { id: 'validate', title: 'Validate' },
  { id: 'deploy', title: 'Deploy' },
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
export type Widget = 'column' | 'columns' | 'dataset' | 'endpoint';

/** A column of the upstream table, picked by name; any string is a valid column name. */
export const column = (title = 'Column', description?: string) =>
  z.string().min(1, 'Pick a column').meta({ title, description, widget: 'column' satisfies Widget });

export const columns = (title = 'Columns', description?: string) =>
  z
    .array(z.string().min(1))
    .min(1, 'Pick at least one column')
    .meta({ title, description, widget: 'columns' satisfies Widget });

export type TaskQueueKind = 'default' | 'fit';

export interface RetryPolicySpec {
  maximumAttempts: number;
  initialIntervalSeconds: number;
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
}

type StepInput<P extends z.ZodObject, I extends Record<string, PortSpec>, O extends Record<string, PortSpec>> = Omit<
  StepDefinition<P, I, O>,
  'queue' | 'retry' | 'timeoutSeconds' | 'heartbeatSeconds'
> &
  Partial<Pick<StepDefinition<P, I, O>, 'queue' | 'retry' | 'timeoutSeconds' | 'heartbeatSeconds'>>;

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
    ...def,
  };
}

export type ParamsOf<D> = D extends StepDefinition<infer P, Record<string, PortSpec>, Record<string, PortSpec>>
  ? z.output<P>
  : never;
