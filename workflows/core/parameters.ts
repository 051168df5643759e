import { z } from 'zod';

// Pipeline parameters: typed values a pipeline declares once and its steps' parameters refer to with
// `{ "$param": "name" }`. Each run gets values (given ∪ defaults); the compiler substitutes them before it
// checks the steps, so the plan a workflow receives holds plain values. Isomorphic.

export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The JSON kind a value of a parameter type takes inside a step's parameters. */
export type JsonKind = 'string' | 'number' | 'integer' | 'boolean';

export interface ParameterTypeSpec {
  title: string;
  /** The type in a sentence: "a number", "a date (YYYY-MM-DD)". */
  noun: string;
  /** The JSON kind the value has once substituted into a step parameter. */
  kind: JsonKind;
  /** The value as it travels in JSON (documents, REST bodies, stored runs). */
  value: z.ZodType;
  /** How a value typed as text (CLI `--param k=v`, a form field) becomes that JSON value. */
  fromText(text: string): unknown;
}

const isoDate = z.iso.date('Write a date as YYYY-MM-DD');
const isoTimestamp = z.iso.datetime({ offset: true, message: 'Write a timestamp as ISO 8601, e.g. 2024-01-01T00:00:00Z' });

/** Adding a type is one entry here (and its kind decides which step parameters it may stand for). */
export const PARAMETER_TYPES = {
  string: { title: 'Text', noun: 'text', kind: 'string', value: z.string().max(10000, 'At most 10,000 characters'), fromText: (t) => t },
  number: {
    title: 'Number', noun: 'a number',
    kind: 'number',
    value: z.number().finite(),
    fromText: (t) => (t.trim() !== '' && Number.isFinite(Number(t)) ? Number(t) : t),
  },
  integer: {
    title: 'Whole number', noun: 'a whole number',
    kind: 'integer',
    value: z.number().int('Must be a whole number').min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
    fromText: (t) => (/^\s*-?\d+\s*$/.test(t) ? Number(t) : t),
  },
  boolean: {
    title: 'True or false', noun: 'true or false',
    kind: 'boolean',
    value: z.boolean(),
    fromText: (t) => (/^(true|yes|1)$/i.test(t.trim()) ? true : /^(false|no|0)$/i.test(t.trim()) ? false : t),
  },
  date: { title: 'Date', noun: 'a date (YYYY-MM-DD)', kind: 'string', value: isoDate, fromText: (t) => t.trim() },
  timestamp: { title: 'Timestamp', noun: 'a timestamp (ISO 8601)', kind: 'string', value: isoTimestamp, fromText: (t) => t.trim() },
  dataset: {
    title: 'Dataset', noun: 'a dataset name',
    kind: 'string',
    value: z.string().regex(DATASET_NAME, 'Not a dataset name (lowercase letters, digits, "-" and "_")'),
    fromText: (t) => t.trim(),
  },
} satisfies Record<string, ParameterTypeSpec>;

export type ParameterType = keyof typeof PARAMETER_TYPES;
export const PARAMETER_TYPE_NAMES = Object.keys(PARAMETER_TYPES) as [ParameterType, ...ParameterType[]];

export const parameterDeclarationSchema = z.strictObject({
  name: z.string().regex(PARAMETER_NAME, 'Parameter names start with a letter or "_" and use letters, digits and "_"'),
  type: z.enum(PARAMETER_TYPE_NAMES),
  /** Checked against the type by the compiler (so the message can name the parameter). */
  default: z.unknown().optional(),
  description: z.string().max(2000).optional(),
});

export type ParameterDeclaration = z.output<typeof parameterDeclarationSchema>;

/** A step parameter's value that stands for a pipeline parameter. */
export interface ParameterReference {
  $param: string;
}

export function isParameterReference(v: unknown): v is ParameterReference {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $param?: unknown }).$param === 'string'
  );
}

/** Every reference inside a node's parameters, with its dotted path under `params`. */
export function findReferences(params: unknown, path: (string | number)[] = []): { path: (string | number)[]; name: string }[] {
  if (isParameterReference(params)) return [{ path, name: params.$param }];
  if (Array.isArray(params)) return params.flatMap((v, i) => findReferences(v, [...path, i]));
  if (typeof params === 'object' && params !== null) {
    return Object.entries(params).flatMap(([k, v]) => findReferences(v, [...path, k]));
  }
  return [];
}

/** The parameters with every reference replaced by its value; a reference without a value stays as it is. */
export function substituteReferences(params: unknown, values: Readonly<Record<string, unknown>>): unknown {
  if (isParameterReference(params)) return Object.hasOwn(values, params.$param) ? values[params.$param] : params;
  if (Array.isArray(params)) return params.map((v) => substituteReferences(v, values));
  if (typeof params === 'object' && params !== null) {
    return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, substituteReferences(v, values)]));
  }
  return params;
}

/** Why a value does not fit a type, or undefined when it does. */
export function parameterValueError(type: ParameterType, value: unknown): string | undefined {
  const spec: ParameterTypeSpec = PARAMETER_TYPES[type];
  const parsed = spec.value.safeParse(value);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : JSON.stringify(value);
  if (issue.code === 'invalid_type') return `must be ${spec.noun}, got ${shown}`;
  return `${issue.message}, got ${shown}`;
}

/** A text value (CLI, form field) turned into the declared type's JSON value; invalid text is left for the checks to report. */
export function parameterValueFromText(type: ParameterType, text: string): unknown {
  return (PARAMETER_TYPES[type] as ParameterTypeSpec).fromText(text);
}

/** A value shown as text (forms, the run page). */
export function parameterValueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface ParameterIssue {
  /** The pipeline parameter concerned. */
  name: string;
  code: 'unknown_parameter' | 'invalid_parameter_value' | 'missing_parameter_value';
  message: string;
}

/**
 * The values a run gets: the given ones checked against the declarations (unknown names and wrong types
 * are issues), then the defaults. A parameter with neither is an issue only when `requireAll`.
 */
export function resolveParameterValues(
  declarations: readonly ParameterDeclaration[],
  given: Readonly<Record<string, unknown>> = {},
  requireAll = false,
): { values: Record<string, unknown>; issues: ParameterIssue[] } {
  const issues: ParameterIssue[] = [];
  const values: Record<string, unknown> = {};
  const declared = new Map(declarations.map((d) => [d.name, d]));
  for (const [name, value] of Object.entries(given)) {
    const d = declared.get(name);
    if (!d) {
      const known = declarations.map((x) => `"${x.name}"`).join(', ') || 'none';
      issues.push({ name, code: 'unknown_parameter', message: `The pipeline has no parameter "${name}" (parameters: ${known})` });
      continue;
    }
    const error = parameterValueError(d.type, value);
    if (error) issues.push({ name, code: 'invalid_parameter_value', message: `Parameter "${name}" ${error}` });
    else values[name] = value;
  }
  for (const d of declarations) {
    if (Object.hasOwn(values, d.name) || Object.hasOwn(given, d.name)) continue;
    if (d.default !== undefined && parameterValueError(d.type, d.default) === undefined) values[d.name] = d.default;
    else if (d.default === undefined && requireAll) {
      issues.push({ name: d.name, code: 'missing_parameter_value', message: `Parameter "${d.name}" has no default: give it a value` });
    }
  }
  return { values, issues };
}
