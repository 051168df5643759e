import type { z } from 'zod';
import { catalog as defaultCatalog, type Catalog } from './catalog';
import { contentHash } from './canonical-json';
import { parseEndpoint, pipelineDocumentSchema, type PipelineDocument } from './document';
import { PLAN_API_VERSION, type Plan, type PlanStep } from './plan';

// graph → plan, pure: the same function checks a graph in the editor and compiles it on the server.

export type CompileErrorCode =
  | 'invalid_document'
  | 'duplicate_node'
  | 'unknown_type'
  | 'invalid_params'
  | 'invalid_edge'
  | 'unknown_node'
  | 'unknown_port'
  | 'port_type_mismatch'
  | 'input_taken'
  | 'missing_input'
  | 'cycle'
  | 'unreachable';

export interface CompileError {
  code: CompileErrorCode;
  message: string;
  nodeId?: string;
  edge?: { from: string; to: string };
  /** Dotted path inside the node (e.g. "params.rules.0.value") or, for document errors, inside the document. */
  path?: string;
}

export type CompileResult = { ok: true; plan: Plan; errors: [] } | { ok: false; errors: CompileError[] };

function issuePath(path: PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

function documentErrors(issues: z.core.$ZodIssue[], raw: unknown): CompileError[] {
  const nodes = (raw as { nodes?: unknown })?.nodes;
  return issues.map((issue) => {
    const [head, index, ...rest] = issue.path;
    // Point node-level shape errors at the node when its id is readable.
    if (head === 'nodes' && typeof index === 'number' && Array.isArray(nodes)) {
      const id = (nodes[index] as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string' && id) {
        return { code: 'invalid_document', nodeId: id, path: issuePath(rest), message: issue.message };
      }
    }
    return { code: 'invalid_document', path: issuePath(issue.path), message: issue.message };
  });
}

export function compilePipeline(raw: unknown, cat: Catalog = defaultCatalog): CompileResult {
  const parsed = pipelineDocumentSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: documentErrors(parsed.error.issues, raw) };
  return compileDocument(parsed.data, cat);
}

export function compileDocument(doc: PipelineDocument, cat: Catalog = defaultCatalog): CompileResult {
  const errors: CompileError[] = [];
  const nodes = new Map<string, PipelineDocument['nodes'][number]>();
  const params = new Map<string, Record<string, unknown>>();

  for (const node of doc.nodes) {
    if (nodes.has(node.id)) {
      errors.push({ code: 'duplicate_node', nodeId: node.id, message: `Two nodes have the id "${node.id}"` });
      continue;
    }
    nodes.set(node.id, node);
    const def = Object.hasOwn(cat, node.type) ? cat[node.type] : undefined;
    if (!def) {
      errors.push({ code: 'unknown_type', nodeId: node.id, path: 'type', message: `Unknown step type "${node.type}"` });
      continue;
    }
    const result = def.params.safeParse(node.params);
    if (result.success) params.set(node.id, result.data as Record<string, unknown>);
    for (const issue of result.success ? [] : result.error.issues) {
      const path = issuePath(['params', ...issue.path]);
      const message =
        issue.code === 'invalid_type' && issue.input === undefined ? `${path.slice(7) || 'value'} is required` : issue.message;
      errors.push({ code: 'invalid_params', nodeId: node.id, path, message });
    }
  }

  // Edges: both ends exist, port types agree, an input takes one edge.
  const incoming = new Map<string, Map<string, { node: string; port: string }>>();
  const adjacency = new Map<string, Set<string>>([...nodes.keys()].map((id) => [id, new Set<string>()]));
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
    const srcDef = Object.hasOwn(cat, src.type) ? cat[src.type] : undefined;
    const dstDef = Object.hasOwn(cat, dst.type) ? cat[dst.type] : undefined;
    if (!srcDef || !dstDef) continue; // already reported as unknown_type
    const out = Object.hasOwn(srcDef.outputs, from.port) ? srcDef.outputs[from.port] : undefined;
    const inp = Object.hasOwn(dstDef.inputs, to.port) ? dstDef.inputs[to.port] : undefined;
    if (!out) {
      const have = Object.keys(srcDef.outputs).join(', ') || 'none';
      errors.push({
        code: 'unknown_port',
        edge: ref,
        nodeId: src.id,
        message: `"${srcDef.title}" has no output "${from.port}" (outputs: ${have})`,
      });
      continue;
    }
    if (!inp) {
      const have = Object.keys(dstDef.inputs).join(', ') || 'none';
      errors.push({
        code: 'unknown_port',
        edge: ref,
        nodeId: dst.id,
        message: `"${dstDef.title}" has no input "${to.port}" (inputs: ${have})`,
      });
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
    const taken = incoming.get(dst.id) ?? new Map();
    if (taken.has(to.port)) {
      errors.push({
        code: 'input_taken',
        edge: ref,
        nodeId: dst.id,
        message: `Input "${to.port}" of "${dst.id}" already has a connection`,
      });
      continue;
    }
    taken.set(to.port, from);
    incoming.set(dst.id, taken);
    adjacency.get(src.id)!.add(dst.id);
  }

  for (const node of nodes.values()) {
    const def = Object.hasOwn(cat, node.type) ? cat[node.type] : undefined;
    if (!def) continue;
    for (const [name, spec] of Object.entries(def.inputs)) {
      if (!spec.optional && !incoming.get(node.id)?.has(name)) {
        errors.push({
          code: 'missing_input',
          nodeId: node.id,
          path: `inputs.${name}`,
          message: `Input "${spec.title}" (${spec.type}) is not connected`,
        });
      }
    }
  }

  const order = topologicalOrder([...nodes.keys()], adjacency);
  if (order.cyclic.length > 0) {
    const leftover = new Set(order.cyclic);
    for (const id of order.cyclic) {
      if (reaches(id, id, adjacency, leftover)) {
        errors.push({ code: 'cycle', nodeId: id, message: `"${id}" is part of a cycle: steps cannot depend on themselves` });
      } else {
        errors.push({ code: 'unreachable', nodeId: id, message: `"${id}" can never run: it depends on a cycle` });
      }
    }
  }

  if (errors.length > 0) return { ok: false, errors };

  const steps: PlanStep[] = order.sorted.map((id) => {
    const node = nodes.get(id)!;
    const def = cat[node.type]!;
    const inputs = Object.fromEntries(incoming.get(id) ?? []);
    return {
      id,
      type: node.type,
      params: params.get(id)!,
      inputs,
      optionalInputs: Object.entries(def.inputs)
        .filter(([, s]) => s.optional)
        .map(([k]) => k),
      outputs: Object.keys(def.outputs),
      dependsOn: [...new Set(Object.values(inputs).map((r) => r.node))],
      queue: def.queue,
      retry: def.retry,
      timeoutSeconds: def.timeoutSeconds,
      heartbeatSeconds: def.heartbeatSeconds,
    };
  });
  const hash = contentHash({ name: doc.name, steps });
  return { ok: true, errors: [], plan: { apiVersion: PLAN_API_VERSION, name: doc.name, hash, steps } };
}

/** Kahn's algorithm, stable in document order; returns the nodes left over on a cycle. */
function topologicalOrder(ids: string[], adjacency: Map<string, Set<string>>) {
  const indegree = new Map(ids.map((id) => [id, 0]));
  for (const targets of adjacency.values()) for (const t of targets) indegree.set(t, (indegree.get(t) ?? 0) + 1);
  const rank = new Map(ids.map((id, i) => [id, i]));
  const ready = ids.filter((id) => indegree.get(id) === 0);
  const sorted: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => rank.get(a)! - rank.get(b)!);
    const id = ready.shift()!;
    sorted.push(id);
    for (const t of adjacency.get(id) ?? []) {
      const d = indegree.get(t)! - 1;
      indegree.set(t, d);
      if (d === 0) ready.push(t);
    }
  }
  const done = new Set(sorted);
  return { sorted, cyclic: ids.filter((id) => !done.has(id)) };
}

function reaches(from: string, target: string, adjacency: Map<string, Set<string>>, within: Set<string>): boolean {
  const seen = new Set<string>();
  const stack = [...(adjacency.get(from) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id) || !within.has(id)) continue;
    seen.add(id);
    stack.push(...(adjacency.get(id) ?? []));
  }
  return false;
}
