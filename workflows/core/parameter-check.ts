import { z } from 'zod';
import type { PipelineDocument } from './document';
import {
  PARAMETER_TYPES,
  findReferences,
  parameterValueError,
  resolveParameterValues,
  substituteReferences,
  type JsonKind,
  type ParameterDeclaration,
} from './parameters';
import type { StepDefinition } from './step';

// The compiler's part about pipeline parameters: declarations, the references steps make to them (checked
// against the step parameter's schema), the values of a run, and the nodes' parameters with values substituted.

export type ParameterErrorCode =
  | 'invalid_parameter'
  | 'unknown_parameter'
  | 'parameter_type'
  | 'invalid_parameter_value'
  | 'missing_parameter_value'
  | 'unused_parameter';

export interface ParameterProblem {
  code: ParameterErrorCode;
  message: string;
  nodeId?: string;
  path?: string;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  widget?: string;
  enum?: unknown[];
  const?: unknown;
}

const jsonSchemaCache = new WeakMap<StepDefinition, JsonSchema>();
function paramsJsonSchema(def: StepDefinition): JsonSchema {
  let s = jsonSchemaCache.get(def);
  if (!s) jsonSchemaCache.set(def, (s = z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as JsonSchema));
  return s;
}

/** The schemas a value at `path` may have to satisfy (alternatives of unions flattened); empty when the path is not in the schema. */
function schemasAt(schema: JsonSchema, path: (string | number)[]): JsonSchema[] {
  const alternatives = (s: JsonSchema): JsonSchema[] =>
    s.anyOf || s.oneOf ? [...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap(alternatives) : s.allOf ? s.allOf.flatMap(alternatives) : [s];
  let current = alternatives(schema);
  for (const key of path) {
    current = current.flatMap((s) => {
      if (typeof key === 'number') {
        const item = s.prefixItems?.[key] ?? s.items;
        return item ? alternatives(item) : [];
      }
      const prop = s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      return prop ? alternatives(prop) : [];
    });
  }
  return current;
}

const KIND_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'nothing',
};

/** Why a parameter of this type cannot stand where `schemas` apply, or undefined when it can. */
function kindMismatch(type: ParameterDeclaration['type'], schemas: JsonSchema[]): string | undefined {
  const kind: JsonKind = PARAMETER_TYPES[type].kind;
  const accepts = (s: JsonSchema) => {
    if (s.type === undefined) return s.enum === undefined && s.const === undefined ? true : [...(s.enum ?? []), s.const].some((v) => jsonKindOf(v) === kind || (kind === 'integer' && typeof v === 'number'));
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!(types.includes(kind) || (kind === 'integer' && types.includes('number')))) return false;
    // A column picker names a column: only text parameters can stand for one.
    if ((s.widget === 'column' || s.widget === 'columns') && type !== 'string') return false;
    return true;
  };
  if (schemas.some(accepts)) return undefined;
  const wanted = [...new Set(schemas.flatMap((s) => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type])))];
  const widget = schemas.find((s) => s.widget === 'column' || s.widget === 'columns');
  const takes = widget ? 'a column name' : wanted.map((w) => KIND_WORDS[w] ?? w).join(' or ') || 'something else';
  return `takes ${takes}`;
}

function jsonKindOf(v: unknown): JsonKind | undefined {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return undefined;
}

export interface BoundParameters {
  errors: ParameterProblem[];
  warnings: ParameterProblem[];
  /** Each node's parameters with the run's values substituted. */
  params: Map<string, Record<string, unknown>>;
  /** Nodes with a reference that is wrong or has no value yet (no default, none given): their parameters are not checked further. */
  unresolved: Set<string>;
  /** The values the run gets (given ∪ defaults). */
  values: Record<string, unknown>;
}

/**
 * Checks declarations, references and given values, and substitutes the values. `mode` 'run' needs a value
 * for every declared parameter; at design time ('save') the defaults are used and a parameter without one
 * leaves the nodes that use it unchecked.
 */
export function bindParameters(
  doc: PipelineDocument,
  defOf: (type: string) => StepDefinition | undefined,
  given: Readonly<Record<string, unknown>> | undefined,
  mode: 'save' | 'run',
): BoundParameters {
  const errors: ParameterProblem[] = [];
  const warnings: ParameterProblem[] = [];
  const declarations = doc.parameters ?? [];
  const declared = new Map<string, ParameterDeclaration>();
  declarations.forEach((d, i) => {
    if (declared.has(d.name)) {
      errors.push({ code: 'invalid_parameter', path: `parameters.${i}.name`, message: `Two parameters are named "${d.name}"` });
      return;
    }
    declared.set(d.name, d);
    if (d.default !== undefined) {
      const problem = parameterValueError(d.type, d.default);
      if (problem) errors.push({ code: 'invalid_parameter', path: `parameters.${i}.default`, message: `The default of "${d.name}" ${problem}` });
    }
  });

  const resolved = resolveParameterValues([...declared.values()], given ?? {}, mode === 'run');
  for (const issue of resolved.issues) {
    errors.push({ code: issue.code, path: `parameters.${issue.name}`, message: issue.message });
  }
  const values = resolved.values;

  const used = new Set<string>();
  const params = new Map<string, Record<string, unknown>>();
  const unresolved = new Set<string>();
  for (const node of doc.nodes) {
    const refs = findReferences(node.params);
    if (refs.length === 0) continue;
    const def = defOf(node.type);
    for (const ref of refs) {
      used.add(ref.name);
      const path = ['params', ...ref.path].join('.');
      const d = declared.get(ref.name);
      if (!d) {
        const known = [...declared.keys()].map((n) => `"${n}"`).join(', ') || 'none';
        errors.push({ code: 'unknown_parameter', nodeId: node.id, path, message: `No pipeline parameter is named "${ref.name}" (parameters: ${known})` });
        unresolved.add(node.id);
        continue;
      }
      if (!def) continue; // unknown step type: reported by the compiler
      const schemas = schemasAt(paramsJsonSchema(def), ref.path);
      if (schemas.length === 0) continue; // not a parameter of the step: the step's schema reports it
      const mismatch = kindMismatch(d.type, schemas);
      if (mismatch) {
        errors.push({
          code: 'parameter_type',
          nodeId: node.id,
          path,
          message: `${path} ${mismatch}, but pipeline parameter "${d.name}" is ${PARAMETER_TYPES[d.type].noun}`,
        });
        unresolved.add(node.id);
      }
      if (!Object.hasOwn(values, ref.name)) unresolved.add(node.id);
    }
    params.set(node.id, substituteReferences(node.params, values) as Record<string, unknown>);
  }
  declarations.forEach((d, i) => {
    if (!used.has(d.name) && declared.get(d.name) === d) {
      warnings.push({ code: 'unused_parameter', path: `parameters.${i}`, message: `Parameter "${d.name}" is declared but no step uses it` });
    }
  });
  return { errors, warnings, params, unresolved, values };
}
