import { canonicalJson } from './canonical-json';
import type { PipelineDocument, PipelineEdge, PipelineNode } from './document';

// What changed between two versions of a pipeline document, for people: steps, connections, parameters,
// labels and notes. Positions are layout, not meaning, so moving a step is no change.

/** One value that differs; `before` is absent when it was added, `after` when it was removed. */
export interface ValueChange {
  /** Dotted path inside the node (`params.trees`, `label`, `retry.maximumAttempts`) or the document (`description`, `parameters.threshold.default`). */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface NodeDiff {
  id: string;
  /** The step type in the newer document. */
  type: string;
  changes: ValueChange[];
}

export interface DocumentDiff {
  addedNodes: PipelineNode[];
  removedNodes: PipelineNode[];
  changedNodes: NodeDiff[];
  addedEdges: PipelineEdge[];
  removedEdges: PipelineEdge[];
  /** The document's own fields: description, the pipeline parameters and the canvas's notes (`notes.<id>`). */
  pipelineChanges: ValueChange[];
}

export type DiffKind = 'added' | 'removed' | 'changed';

/** One line of a diff as it is shown: "changed train.trees: 50 → 60". */
export interface DiffLine {
  kind: DiffKind;
  text: string;
  /** The step the line is about, when it is about one. */
  nodeId?: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** Leaf differences between two JSON values; objects and arrays are walked, anything else compared whole. */
function diffValues(before: unknown, after: unknown, path: string, out: ValueChange[]) {
  if (same(before, after)) return;
  if (before === undefined) {
    out.push({ path, after });
    return;
  }
  if (after === undefined) {
    out.push({ path, before });
    return;
  }
  const bothObjects = isPlainObject(before) && isPlainObject(after);
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  if (!bothObjects && !bothArrays) {
    out.push({ path, before, after });
    return;
  }
  const keys = bothArrays
    ? Array.from({ length: Math.max((before as unknown[]).length, (after as unknown[]).length) }, (_, i) => String(i))
    : [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])];
  for (const key of keys) {
    diffValues((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], path ? `${path}.${key}` : key, out);
  }
}

/** A node's fields that mean something (everything but its position), in the order they are reported. */
function meaningOf(node: PipelineNode): Record<string, unknown> {
  const { position: _position, id: _id, ...rest } = node;
  return { type: rest.type, label: rest.label, notes: rest.notes, params: rest.params ?? {}, retry: rest.retry, timeoutSeconds: rest.timeoutSeconds, cache: rest.cache };
}

const edgeKey = (e: PipelineEdge) => `${e.from}\u0000${e.to}`;

/** The differences from `a` (older) to `b` (newer). Pure; positions are ignored. */
export function diffDocuments(a: PipelineDocument, b: PipelineDocument): DocumentDiff {
  const oldNodes = new Map(a.nodes.map((n) => [n.id, n]));
  const newNodes = new Map(b.nodes.map((n) => [n.id, n]));
  const changedNodes: NodeDiff[] = [];
  for (const node of b.nodes) {
    const old = oldNodes.get(node.id);
    if (!old) continue;
    const changes: ValueChange[] = [];
    diffValues(meaningOf(old), meaningOf(node), '', changes);
    if (changes.length > 0) changedNodes.push({ id: node.id, type: node.type, changes });
  }
  const oldEdges = new Set(a.edges.map(edgeKey));
  const newEdges = new Set(b.edges.map(edgeKey));

  const pipelineChanges: ValueChange[] = [];
  diffValues(a.description, b.description, 'description', pipelineChanges);
  // Parameters are matched by name, so reordering them is no change.
  const byName = (doc: PipelineDocument) => Object.fromEntries((doc.parameters ?? []).map((p) => [p.name, p]));
  diffValues(byName(a), byName(b), 'parameters', pipelineChanges);
  // Sticky notes on the canvas: their text, by id (where they sit and their colour are layout).
  const noteTexts = (doc: PipelineDocument) => Object.fromEntries((doc.notes ?? []).map((n) => [n.id, n.text]));
  diffValues(noteTexts(a), noteTexts(b), 'notes', pipelineChanges);

  return {
    addedNodes: b.nodes.filter((n) => !oldNodes.has(n.id)),
    removedNodes: a.nodes.filter((n) => !newNodes.has(n.id)),
    changedNodes,
    addedEdges: b.edges.filter((e) => !oldEdges.has(edgeKey(e))),
    removedEdges: a.edges.filter((e) => !newEdges.has(edgeKey(e))),
    pipelineChanges,
  };
}

export function isEmptyDiff(d: DocumentDiff): boolean {
  return (
    d.addedNodes.length + d.removedNodes.length + d.changedNodes.length + d.addedEdges.length + d.removedEdges.length + d.pipelineChanges.length ===
    0
  );
}

const MAX_VALUE_CHARS = 80;

/** A value as a diff line shows it: numbers and booleans bare, text quoted, anything else as short JSON. */
export function formatDiffValue(value: unknown): string {
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : (JSON.stringify(value) ?? 'null');
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function changeLine(subject: string, c: ValueChange, nodeId?: string): DiffLine {
  if (c.before === undefined) return { kind: 'added', text: `added ${subject}: ${formatDiffValue(c.after)}`, nodeId };
  if (c.after === undefined) return { kind: 'removed', text: `removed ${subject} (was ${formatDiffValue(c.before)})`, nodeId };
  return { kind: 'changed', text: `changed ${subject}: ${formatDiffValue(c.before)} → ${formatDiffValue(c.after)}`, nodeId };
}

/** The diff as lines a person reads, steps first, in document order. */
export function describeDiff(d: DocumentDiff): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const n of d.addedNodes) lines.push({ kind: 'added', text: `added step ${n.id} (${n.type})`, nodeId: n.id });
  for (const n of d.removedNodes) lines.push({ kind: 'removed', text: `removed step ${n.id} (${n.type})`, nodeId: n.id });
  for (const n of d.changedNodes) {
    for (const c of n.changes) {
      // Parameters read as `train.trees`; the step's own fields as `train label`.
      const subject = c.path.startsWith('params.') ? `${n.id}.${c.path.slice('params.'.length)}` : `${n.id} ${c.path}`;
      lines.push(changeLine(subject, c, n.id));
    }
  }
  for (const e of d.addedEdges) lines.push({ kind: 'added', text: `added connection ${e.from} → ${e.to}` });
  for (const e of d.removedEdges) lines.push({ kind: 'removed', text: `removed connection ${e.from} → ${e.to}` });
  for (const c of d.pipelineChanges) {
    const subject = c.path.startsWith('parameters.')
      ? `pipeline parameter ${c.path.slice('parameters.'.length)}`
      : c.path.startsWith('notes.')
        ? `canvas note ${c.path.slice('notes.'.length)}`
        : c.path;
    lines.push(changeLine(subject, c));
  }
  return lines;
}
