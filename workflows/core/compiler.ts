import { z } from 'zod';
import { contentHash } from './canonical-json';
import { parseEndpoint, pipelineDocumentSchema, type PipelineDocument } from './document';
import { bindParameters, type ParameterErrorCode } from './parameter-check';
import { DEFAULT_DOCUMENT_LIMITS, checkDocumentValue, type DocumentLimits } from './limits';
import { PLAN_API_VERSION, type Plan, type PlanStep } from './plan';
import { sqlRequestKey, type SqlLookup, type SqlRequest } from './sql';
import type { DesignArgs, StepDefinition } from './step';
import { findColumn, listColumns, type TableSchema } from './table-schema';

// graph → plan, pure and linear in the document's size: the same function checks a graph in the
// editor and compiles it on the server. The catalog is passed in; core knows no step types.

export type Catalog = Readonly<Record<string, StepDefinition>>;

export type CompileErrorCode =
  | 'invalid_document'
  | 'too_large'
  | 'duplicate_node'
  | 'unknown_type'
  | 'invalid_params'
  | 'unknown_column'
  | 'column_type'
  | 'missing_dataset'
  | 'invalid_sql'
  | 'invalid_edge'
  | 'unknown_node'
  | 'unknown_port'
  | 'port_type_mismatch'
  | 'input_taken'
  | 'missing_input'
  | 'cycle'
  | 'unreachable'
  | ParameterErrorCode;

export interface CompileError {
  code: CompileErrorCode;
  message: string;
  nodeId?: string;
  edge?: { from: string; to: string };
  /** Dotted path inside the node (e.g. "params.rules.0.value") or, for document errors, inside the document. */
  path?: string;
  /** For SQL errors: a character offset into the parameter's text, when DuckDB says where. */
  position?: number;
}

/** Table schemas at each node's ports, as far as they are known at design time. */
export type NodeSchemas = Record<string, { inputs: Record<string, TableSchema>; outputs: Record<string, TableSchema> }>;

/** Dataset schemas for design-time checks: a name (and optional version) → its columns, or undefined if it does not exist. */
export type DatasetLookup = (name: string, version?: number) => { version: number; columns: TableSchema } | undefined;

/** A lookup over known dataset versions (the latest when no version is asked for). */
export function makeDatasetLookup(versions: { name: string; version: number; columns: TableSchema }[]): DatasetLookup {
  const byName = new Map<string, Map<number, TableSchema>>();
  for (const v of versions) {
    let m = byName.get(v.name);
    if (!m) byName.set(v.name, (m = new Map()));
    m.set(v.version, v.columns.map((c) => ({ name: c.name, type: c.type })));
  }
  return (name, version) => {
    const m = byName.get(name);
    if (!m) return undefined;
    const v = version ?? Math.max(...m.keys());
    const columns = m.get(v);
    return columns ? { version: v, columns } : undefined;
  };
}

export interface CompileOptions {
  /** Without it, datasets (and the columns downstream of them) are not checked. */
  datasets?: DatasetLookup;
  /** 'run': a missing dataset is an error; 'save' (default): a warning. */
  mode?: 'save' | 'run';
  limits?: DocumentLimits;
  /** Descriptions of the steps' SQL computed beforehand; SQL not in it is reported as pending. */
  sql?: SqlLookup;
  /** Values of the pipeline's parameters for a run (checked against the declarations; defaults fill the rest). */
  params?: Record<string, unknown>;
}

/** `pendingSql`: queries the steps asked to have described that the SQL lookup did not answer (their outputs' schemas are unknown). */
export type CompileResult =
  | {
      ok: true;
      plan: Plan;
      document: PipelineDocument;
      errors: [];
      warnings: CompileError[];
      schemas: NodeSchemas;
      pendingSql: SqlRequest[];
      /** The pipeline parameters' values the plan was made with (given ∪ defaults). */
      parameters: Record<string, unknown>;
    }
  | { ok: false; errors: CompileError[]; warnings: CompileError[]; schemas: NodeSchemas; pendingSql: SqlRequest[] };

function issuePath(path: PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

const EXPECTED: Record<string, string> = { number: 'a number', string: 'text', boolean: 'true or false', array: 'a list', object: 'an object', int: 'a whole number' };

/** One message a person can act on, for a zod issue at `label`. */
function issueMessage(issue: z.core.$ZodIssue, label: string): { path?: string; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({
      path: issuePath([...issue.path, k]),
      message: `Unknown ${label} "${k}"`,
    }));
  }
  const name = issuePath(issue.path) || label;
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return [{ message: `${name} is required` }];
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    return [{ message: `${name} must be ${expected}, got ${describeValue(issue.input)}` }];
  }
  if (issue.code === 'invalid_value' && issue.input !== undefined) {
    return [{ message: `${issue.message}, got ${describeValue(issue.input)}` }];
  }
  return [{ message: issue.message }];
}

function documentErrors(issues: z.core.$ZodIssue[], raw: unknown): CompileError[] {
  const nodes = (raw as { nodes?: unknown })?.nodes;
  return issues.flatMap((issue) => {
    const [head, index, ...rest] = issue.path;
    // Point node-level shape errors at the node when its id is readable.
    if (head === 'nodes' && typeof index === 'number' && Array.isArray(nodes)) {
      const id = (nodes[index] as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string' && id) {
        return issueMessage({ ...issue, path: rest } as z.core.$ZodIssue, 'field').map((m) => ({
          code: 'invalid_document' as const,
          nodeId: id,
          path: m.path ?? issuePath(rest),
          message: m.message,
        }));
      }
    }
    return issueMessage(issue, 'field').map((m) => ({ code: 'invalid_document' as const, path: m.path ?? issuePath(issue.path), message: m.message }));
  });
}

const EMPTY_SCHEMAS: NodeSchemas = {};

export function compilePipeline(raw: unknown, cat: Catalog, opts: CompileOptions = {}): CompileResult {
  const limits = opts.limits ?? DEFAULT_DOCUMENT_LIMITS;
  const tooLarge = checkDocumentValue(raw, limits);
  if (tooLarge) {
    return { ok: false, errors: [{ code: 'too_large', path: tooLarge.path, message: tooLarge.message }], warnings: [], schemas: EMPTY_SCHEMAS, pendingSql: [] };
  }
  const parsed = pipelineDocumentSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { ok: false, errors: documentErrors(parsed.error.issues, raw), warnings: [], schemas: EMPTY_SCHEMAS, pendingSql: [] };
  return compileDocument(parsed.data, cat, opts);
}

/** Top-level parameters that name columns, with the input port they refer to (from the `column(s)` widget hints). */
const columnParamCache = new WeakMap<StepDefinition, { key: string; many: boolean; port: string }[]>();
function columnParams(def: StepDefinition) {
  let found = columnParamCache.get(def);
  if (!found) {
    const firstTable = Object.entries(def.inputs).find(([, s]) => s.type === 'table')?.[0];
    const json = z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, { widget?: string; of?: string }>;
    };
    found = Object.entries(json.properties ?? {})
      .filter(([, p]) => p.widget === 'column' || p.widget === 'columns')
      .map(([key, p]) => ({ key, many: p.widget === 'columns', port: p.of ?? firstTable ?? '' }))
      .filter((c) => c.port);
    columnParamCache.set(def, found);
  }
  return found;
}

export function compileDocument(doc: PipelineDocument, cat: Catalog, opts: CompileOptions = {}): CompileResult {
  const errors: CompileError[] = [];
  const warnings: CompileError[] = [];
  const nodes = new Map<string, PipelineDocument['nodes'][number]>();
  const params = new Map<string, Record<string, unknown>>();
  const defOf = (type: string) => (Object.hasOwn(cat, type) ? cat[type] : undefined);
  // Pipeline parameters' values go into the nodes' parameters before anything else looks at them.
  const bound = bindParameters(doc, defOf, opts.params, opts.mode ?? 'save');
  errors.push(...bound.errors);
  warnings.push(...bound.warnings);

  for (const node of doc.nodes) {
    if (nodes.has(node.id)) {
      errors.push({ code: 'duplicate_node', nodeId: node.id, message: `Two nodes have the id "${node.id}"` });
      continue;
    }
    nodes.set(node.id, node);
    const def = defOf(node.type);
    if (!def) {
      errors.push({ code: 'unknown_type', nodeId: node.id, path: 'type', message: `Unknown step type "${node.type}"` });
      continue;
    }
    if (bound.unresolved.has(node.id)) {
      // A parameter without a value yet (design time): the step's checks, and those downstream, wait for one.
      continue;
    }
    const result = def.params.safeParse(bound.params.get(node.id) ?? node.params, { reportInput: true });
    if (result.success) params.set(node.id, result.data as Record<string, unknown>);
    for (const issue of result.success ? [] : result.error.issues) {
      for (const m of issueMessage(issue, 'parameter')) {
        errors.push({ code: 'invalid_params', nodeId: node.id, path: `params.${m.path ?? issuePath(issue.path)}`.replace(/\.$/, ''), message: m.message });
      }
    }
  }

  // Edges: both ends exist, port types agree, an input takes one edge.
  const incoming = new Map<string, Map<string, { node: string; port: string }>>();
  const adjacency = new Map<string, string[]>([...nodes.keys()].map((id) => [id, []]));
  for (const edge of doc.edges) {
    const ref = { from: edge.from, to: edge.to };
    const from = parseEndpoint(edge.from);
    const to = parseEndpoint(edge.to);
    if (!from || !to) {
      errors.push({ code: 'invalid_edge', edge: ref, message: 'Edge ends are written "node.port"' });
      continue;
    }
    const src = nodes.get(from.node);
    const dst = nodes.get(to.node);
    if (!src || !dst) {
      const missing = !src ? from.node : to.node;
      errors.push({ code: 'unknown_node', edge: ref, message: `Edge refers to a node "${missing}" that does not exist` });
      continue;
    }
    const srcDef = defOf(src.type);
    const dstDef = defOf(dst.type);
    if (!srcDef || !dstDef) continue; // already reported as unknown_type
    const out = Object.hasOwn(srcDef.outputs, from.port) ? srcDef.outputs[from.port] : undefined;
    const inp = Object.hasOwn(dstDef.inputs, to.port) ? dstDef.inputs[to.port] : undefined;
    if (!out) {
      const have = Object.keys(srcDef.outputs).join(', ') || 'none';
      errors.push({ code: 'unknown_port', edge: ref, nodeId: src.id, message: `"${srcDef.title}" has no output "${from.port}" (outputs: ${have})` });
      continue;
    }
    if (!inp) {
      const have = Object.keys(dstDef.inputs).join(', ') || 'none';
      errors.push({ code: 'unknown_port', edge: ref, nodeId: dst.id, message: `"${dstDef.title}" has no input "${to.port}" (inputs: ${have})` });
      continue;
    }
    if (out.type !== inp.type) {
      errors.push({
        code: 'port_type_mismatch',
        edge: ref,
        nodeId: dst.id,
        message: `Cannot connect a ${out.type} output to a ${inp.type} input (${edge.from} → ${edge.to})`,
      });
      continue;
    }
    let taken = incoming.get(dst.id);
    if (!taken) incoming.set(dst.id, (taken = new Map()));
    if (taken.has(to.port)) {
      errors.push({ code: 'input_taken', edge: ref, nodeId: dst.id, message: `Input "${to.port}" of "${dst.id}" already has a connection` });
      continue;
    }
    taken.set(to.port, from);
    adjacency.get(src.id)!.push(dst.id);
  }

  for (const node of nodes.values()) {
    const def = defOf(node.type);
    if (!def) continue;
    for (const [name, spec] of Object.entries(def.inputs)) {
      if (!spec.optional && !incoming.get(node.id)?.has(name)) {
        errors.push({ code: 'missing_input', nodeId: node.id, path: `inputs.${name}`, message: `Input "${spec.title}" (${spec.type}) is not connected` });
      }
    }
  }

  const ids = [...nodes.keys()];
  const order = topologicalOrder(ids, adjacency);
  if (order.sorted.length < ids.length) {
    const cyclic = nodesOnCycles(ids, adjacency);
    const sorted = new Set(order.sorted);
    for (const id of ids) {
      if (sorted.has(id)) continue;
      if (cyclic.has(id)) errors.push({ code: 'cycle', nodeId: id, message: `"${id}" is part of a cycle: steps cannot depend on themselves` });
      else errors.push({ code: 'unreachable', nodeId: id, message: `"${id}" can never run: it depends on a cycle` });
    }
  }

  const pending = new Map<string, SqlRequest>();
  const schemas = propagateSchemas(order.sorted, nodes, params, incoming, cat, opts, errors, warnings, pending);
  const pendingSql = [...pending.values()];

  if (errors.length > 0) return { ok: false, errors, warnings, schemas, pendingSql };

  const steps: PlanStep[] = order.sorted.map((id) => {
    const node = nodes.get(id)!;
    const def = cat[node.type]!;
    const inputs = Object.fromEntries(incoming.get(id) ?? []);
    const outputSchemas = schemas[id]?.outputs ?? {};
    return {
      id,
      type: node.type,
      params: params.get(id) ?? node.params,
      inputs,
      optionalInputs: Object.entries(def.inputs)
        .filter(([, s]) => s.optional)
        .map(([k]) => k),
      outputs: Object.keys(def.outputs),
      dependsOn: [...new Set(Object.values(inputs).map((r) => r.node))],
      queue: def.queue,
      ...(Object.keys(outputSchemas).length > 0 ? { outputSchemas } : {}),
      ...executionPolicy(def, node, params.get(id)!),
    };
  });
  const hash = contentHash({ name: doc.name, steps });
  return { ok: true, errors: [], warnings, schemas, pendingSql, document: doc, parameters: bound.values, plan: { apiVersion: PLAN_API_VERSION, name: doc.name, hash, steps } };
}

/** Retry, timeout and cache as the node overrides them (the document schema has checked the ranges), and an approval's wait. */
function executionPolicy(def: StepDefinition, node: PipelineDocument['nodes'][number], params: Record<string, unknown>) {
  const cacheable = def.cacheableWith ? def.cacheableWith(params) : def.cacheable;
  const approval = def.approval?.(params);
  return {
    retry: { ...def.retry, ...node.retry },
    timeoutSeconds: node.timeoutSeconds ?? def.timeoutSeconds,
    heartbeatSeconds: def.heartbeatSeconds,
    ...(cacheable && node.cache !== false ? { cache: true as const } : {}),
    ...(approval ? { approval } : {}),
  };
}

/**
 * Walks the nodes in dependency order, asking each step how its output tables follow from its inputs,
 * and checks every column a parameter names against the table it refers to.
 */
function propagateSchemas(
  sorted: string[],
  nodes: Map<string, PipelineDocument['nodes'][number]>,
  params: Map<string, Record<string, unknown>>,
  incoming: Map<string, Map<string, { node: string; port: string }>>,
  cat: Catalog,
  opts: CompileOptions,
  errors: CompileError[],
  warnings: CompileError[],
  pending: Map<string, SqlRequest>,
): NodeSchemas {
  const schemas: NodeSchemas = {};
  const lookup = opts.datasets;
  const dataset: DesignArgs['dataset'] = (name, version) => (lookup ? (lookup(name, version) ?? 'missing') : undefined);
  // One error per node, parameter and query, however often the step asks.
  const sqlReported = new Set<string>();
  const describeSql = (id: string): NonNullable<DesignArgs['describeSql']> => (request, path) => {
    const key = sqlRequestKey(request);
    const answer = opts.sql?.(key);
    if (!answer) {
      pending.set(key, request);
      return undefined;
    }
    if (answer.ok) return answer.columns;
    if (!sqlReported.has(`${id}\u0000${path}\u0000${key}`)) {
      sqlReported.add(`${id}\u0000${path}\u0000${key}`);
      errors.push({ code: 'invalid_sql', nodeId: id, path, message: answer.message, ...(answer.position === undefined ? {} : { position: answer.position }) });
    }
    return undefined;
  };
  for (const id of sorted) {
    const node = nodes.get(id)!;
    const def = cat[node.type]!;
    const inputs: Record<string, TableSchema> = {};
    for (const [port, from] of incoming.get(id) ?? []) {
      const s = schemas[from.node]?.outputs[from.port];
      if (s) inputs[port] = s;
    }
    const entry = { inputs, outputs: {} as Record<string, TableSchema> };
    schemas[id] = entry;
    const p = params.get(id);
    if (!p) continue; // parameters invalid: already reported, nothing to reason about
    const args: DesignArgs = { params: p, inputs, dataset, describeSql: describeSql(id) };

    for (const col of columnParams(def)) {
      const schema = inputs[col.port];
      const value = p[col.key];
      if (!schema || value === undefined) continue;
      const upstream = incoming.get(id)?.get(col.port)?.node;
      const names = col.many ? (value as string[]) : [value as string];
      names.forEach((name, i) => {
        if (findColumn(schema, name)) return;
        errors.push({
          code: 'unknown_column',
          nodeId: id,
          path: col.many ? `params.${col.key}.${i}` : `params.${col.key}`,
          message: `Column "${name}" does not exist after "${upstream}" (columns: ${listColumns(schema)})`,
        });
      });
    }
    for (const issue of def.check?.(args) ?? []) {
      const isDataset = issue.severity === 'run-error';
      const error: CompileError = { code: isDataset ? 'missing_dataset' : 'column_type', nodeId: id, path: issue.path, message: issue.message };
      if (issue.severity === 'warning' || (isDataset && opts.mode !== 'run')) warnings.push(error);
      else errors.push(error);
    }
    const outputs = def.outputSchema?.(args) ?? {};
    for (const [port, s] of Object.entries(outputs)) if (s) entry.outputs[port] = s as TableSchema;
  }
  return schemas;
}

/** Kahn's algorithm with a binary heap on document position: stable, O((n + e) log n). */
function topologicalOrder(ids: string[], adjacency: Map<string, string[]>) {
  const rank = new Map(ids.map((id, i) => [id, i]));
  const indegree = new Map(ids.map((id) => [id, 0]));
  for (const targets of adjacency.values()) for (const t of targets) indegree.set(t, indegree.get(t)! + 1);
  const heap: number[] = [];
  const push = (r: number) => {
    heap.push(r);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= heap[i]!) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]! < heap[m]!) m = l;
        if (r < heap.length && heap[r]! < heap[m]!) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  ids.forEach((id, i) => indegree.get(id) === 0 && push(i));
  const sorted: string[] = [];
  while (heap.length > 0) {
    const id = ids[pop()]!;
    sorted.push(id);
    for (const t of adjacency.get(id) ?? []) {
      const d = indegree.get(t)! - 1;
      indegree.set(t, d);
      if (d === 0) push(rank.get(t)!);
    }
  }
  return { sorted };
}

/** Nodes that lie on a cycle: members of a strongly connected component of size > 1, or with a self-loop (Tarjan, iterative). */
function nodesOnCycles(ids: string[], adjacency: Map<string, string[]>): Set<string> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result = new Set<string>();
  let counter = 0;
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = adjacency.get(frame.id) ?? [];
      if (frame.next < targets.length) {
        const t = targets[frame.next++]!;
        if (!index.has(t)) {
          index.set(t, counter);
          low.set(t, counter++);
          stack.push(t);
          onStack.add(t);
          work.push({ id: t, next: 0 });
        } else if (onStack.has(t)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(t)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = component.length === 1 && (adjacency.get(member) ?? []).includes(member);
        if (component.length > 1 || selfLoop) for (const m of component) result.add(m);
      }
    }
  }
  return result;
}
