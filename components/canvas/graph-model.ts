import type { Connection, Edge, Node } from '@xyflow/react';
import { catalogManifest, type StepManifest } from '../../workflows/steps/catalog';
import { parseEndpoint, type CanvasNote, type PipelineDocument, type PipelineNode } from '../../workflows/core/document';
import { stepCardGeometry } from './node-geometry';

// The bridge between a `millrace/v1` document and React Flow's nodes and edges. Pure functions:
// the editor store keeps React Flow's shapes (they carry measured sizes) and derives the document.

export const manifest = catalogManifest();
export const stepsByType: ReadonlyMap<string, StepManifest> = new Map(manifest.steps.map((s) => [s.type, s]));

/** A node's overrides of its step type's retry policy, timeout and cache. */
export type NodeExecution = Pick<PipelineNode, 'retry' | 'timeoutSeconds' | 'cache'>;

export interface StepNodeData extends Record<string, unknown> {
  stepType: string;
  params: Record<string, unknown>;
  label?: string;
  notes?: string;
  execution?: NodeExecution;
}

function executionOf(node: PipelineNode): NodeExecution | undefined {
  const execution = withoutUndefined({ retry: node.retry, timeoutSeconds: node.timeoutSeconds, cache: node.cache });
  return Object.keys(execution).length > 0 ? execution : undefined;
}

export type StepFlowNode = Node<StepNodeData, 'step'>;
export type StepFlowEdge = Edge;

/** Card width used by layout before React Flow has measured a node. */
export const NODE_WIDTH = 232;
export const NODE_HEIGHT_ESTIMATE = 130;

export function edgeId(from: string, to: string): string {
  return `${from}->${to}`;
}

export function toFlowNode(node: PipelineNode, index: number): StepFlowNode {
  // Known size and port positions: a big graph then renders only the cards in view, and fitting the view
  // counts the cards not yet drawn (see node-geometry.ts). React Flow measures each card once drawn.
  const { height, handles } = stepCardGeometry(stepsByType.get(node.type));
  return {
    handles,
    measured: { width: NODE_WIDTH, height },
    id: node.id,
    type: 'step',
    position: node.position ?? { x: (index % 5) * 280, y: Math.floor(index / 5) * 200 },
    data: { stepType: node.type, params: node.params ?? {}, label: node.label, notes: node.notes, execution: executionOf(node) },
    ariaLabel: `Step ${node.id}`,
  };
}

export function toFlowEdge(from: string, to: string): StepFlowEdge | undefined {
  const a = parseEndpoint(from);
  const b = parseEndpoint(to);
  if (!a || !b) return undefined;
  return {
    id: edgeId(from, to),
    source: a.node,
    sourceHandle: a.port,
    target: b.node,
    targetHandle: b.port,
    ariaLabel: `Edge ${from} to ${to}`,
  };
}

export function fromDocument(doc: PipelineDocument): { nodes: StepFlowNode[]; edges: StepFlowEdge[] } {
  return {
    nodes: doc.nodes.map(toFlowNode),
    edges: doc.edges.flatMap((e) => toFlowEdge(e.from, e.to) ?? []),
  };
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

export function toDocument(
  meta: { name: string; description?: string },
  nodes: readonly StepFlowNode[],
  edges: readonly StepFlowEdge[],
): PipelineDocument {
  return {
    apiVersion: 'millrace/v1',
    name: meta.name,
    ...(meta.description ? { description: meta.description } : {}),
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.data.stepType,
      params: withoutUndefined(n.data.params),
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      ...(n.data.label ? { label: n.data.label } : {}),
      ...(n.data.notes ? { notes: n.data.notes } : {}),
      ...withoutUndefined(n.data.execution ?? {}),
    })),
    edges: edges.map((e) => ({ from: `${e.source}.${e.sourceHandle}`, to: `${e.target}.${e.targetHandle}` })),
  };
}

/** The first spot at or below (then right of) `start` where a new card overlaps no existing one. */
export function freeSpot(start: { x: number; y: number }, nodes: readonly StepFlowNode[]): { x: number; y: number } {
  const gap = 16;
  const overlaps = (x: number, y: number) =>
    nodes.some((n) => {
      const w = n.measured?.width ?? NODE_WIDTH;
      const h = n.measured?.height ?? NODE_HEIGHT_ESTIMATE;
      return x < n.position.x + w + gap && x + NODE_WIDTH + gap > n.position.x && y < n.position.y + h + gap && y + NODE_HEIGHT_ESTIMATE + gap > n.position.y;
    });
  for (let column = 0; column < 8; column++) {
    for (let row = 0; row < 8; row++) {
      const x = start.x + column * (NODE_WIDTH + 40);
      const y = start.y + row * 48;
      if (!overlaps(x, y)) return { x, y };
    }
  }
  return start;
}

/** A readable, unused node id for a new step: "random_forest", then "random_forest_2", … */
export function freshNodeId(stepType: string, taken: ReadonlySet<string>): string {
  const base = (stepType.split('.').pop() ?? 'step').replace(/[^A-Za-z0-9_-]/g, '_').replace(/^[^A-Za-z_]/, '_');
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** Parameters a new step starts with: only what the user must not have to type (defaults stay implicit). */
export function initialParams(step: StepManifest): Record<string, unknown> {
  const props = (step.paramsSchema.properties ?? {}) as Record<string, { type?: string; items?: unknown }>;
  const required = new Set((step.paramsSchema.required ?? []) as string[]);
  const params: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(props)) {
    if (required.has(key) && prop.type === 'array') params[key] = [];
  }
  return params;
}

export type PortSide = 'input' | 'output';

export function portOf(nodes: readonly StepFlowNode[], nodeId: string, side: PortSide, port: string | null | undefined) {
  const node = nodes.find((n) => n.id === nodeId);
  const step = node && stepsByType.get(node.data.stepType);
  if (!step || !port) return undefined;
  const ports = side === 'input' ? step.inputs : step.outputs;
  return Object.hasOwn(ports, port) ? ports[port] : undefined;
}

/** Why an edge may not be drawn, in words a person can act on; undefined when it may. */
export function connectionProblem(
  connection: Pick<Connection, 'source' | 'sourceHandle' | 'target' | 'targetHandle'>,
  nodes: readonly StepFlowNode[],
  edges: readonly StepFlowEdge[],
): string | undefined {
  const { source, sourceHandle, target, targetHandle } = connection;
  if (source === target) return 'A step cannot feed itself.';
  const out = portOf(nodes, source, 'output', sourceHandle);
  const inp = portOf(nodes, target, 'input', targetHandle);
  if (!out || !inp) return 'Connect an output (right side) to an input (left side).';
  if (out.type !== inp.type) {
    return `A ${out.type} output cannot feed a ${inp.type} input: "${out.title}" of ${source} → "${inp.title}" of ${target}.`;
  }
  const taken = edges.find((e) => e.target === target && e.targetHandle === targetHandle);
  if (taken) return `Input "${inp.title}" of ${target} is already connected to ${taken.source}.${taken.sourceHandle}.`;
  return undefined;
}


// Sticky notes: React Flow nodes of their own type, kept beside the steps (not among them) so that everything
// that reads steps keeps reading only steps. Their flow ids carry a prefix a step id cannot have.

export interface NoteNodeData extends Record<string, unknown> {
  text: string;
  color?: CanvasNote['color'];
}
export type NoteFlowNode = Node<NoteNodeData, 'note'>;

const NOTE_PREFIX = 'note:';
export const NOTE_SIZE = { width: 220, height: 120 };

export function isNoteFlowId(id: string): boolean {
  return id.startsWith(NOTE_PREFIX);
}

export function toNoteFlowNode(note: CanvasNote): NoteFlowNode {
  return {
    id: NOTE_PREFIX + note.id,
    type: 'note',
    position: note.position,
    ...(note.size ?? NOTE_SIZE),
    data: { text: note.text, ...(note.color ? { color: note.color } : {}) },
    ariaLabel: `Note ${note.id}`,
  };
}

export function toCanvasNote(n: NoteFlowNode): CanvasNote {
  const width = Math.round(n.width ?? NOTE_SIZE.width);
  const height = Math.round(n.height ?? NOTE_SIZE.height);
  // The default size is left unsaid, so a note keeps no size until it is resized.
  const sized = width !== NOTE_SIZE.width || height !== NOTE_SIZE.height;
  return {
    id: n.id.slice(NOTE_PREFIX.length),
    text: n.data.text,
    position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
    ...(sized ? { size: { width, height } } : {}),
    ...(n.data.color ? { color: n.data.color } : {}),
  };
}

/** "n1", "n2", …: the first note id not taken. */
export function freshNoteId(notes: readonly NoteFlowNode[]): string {
  const taken = new Set(notes.map((n) => n.id));
  for (let i = 1; ; i++) if (!taken.has(`${NOTE_PREFIX}n${i}`)) return `n${i}`;
}

export function newNoteFlowNode(notes: readonly NoteFlowNode[], position: { x: number; y: number }, text = ''): NoteFlowNode {
  return { ...toNoteFlowNode({ id: freshNoteId(notes), text, position }), selected: true };
}

/**
 * How a step goes into the edge a→b: a's output into one of its inputs of that type, one of its outputs of b's
 * input type into b — or why it cannot (the same rules as drawing an edge by hand). The edge a→b is removed first.
 */
export function edgeInsertion(
  edge: StepFlowEdge,
  node: StepFlowNode,
  nodes: readonly StepFlowNode[],
  edges: readonly StepFlowEdge[],
): { input: string; output: string; problem?: undefined } | { problem: string } {
  const step = stepsByType.get(node.data.stepType);
  const all = nodes.some((n) => n.id === node.id) ? nodes : [...nodes, node];
  const rest = edges.filter((e) => e.id !== edge.id);
  const out = portOf(all, edge.source, 'output', edge.sourceHandle);
  const inp = portOf(all, edge.target, 'input', edge.targetHandle);
  if (!step || !out || !inp) return { problem: 'That edge or step is not known.' };
  const title = step.title;
  const input = Object.entries(step.inputs).find(([, p]) => p.type === out.type)?.[0];
  if (!input) return { problem: `${title} has no ${out.type} input to take "${out.title}" of ${edge.source}.` };
  const output = Object.entries(step.outputs).find(([, p]) => p.type === inp.type)?.[0];
  if (!output) return { problem: `${title} has no ${inp.type} output to feed "${inp.title}" of ${edge.target}.` };
  const first = connectionProblem({ source: edge.source, sourceHandle: edge.sourceHandle ?? null, target: node.id, targetHandle: input }, all, rest);
  if (first) return { problem: first };
  const second = connectionProblem({ source: node.id, sourceHandle: output, target: edge.target, targetHandle: edge.targetHandle ?? null }, all, rest);
  if (second) return { problem: second };
  return { input, output };
}
