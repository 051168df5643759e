import { Graph, layout } from '@dagrejs/dagre';

// Left-to-right layered layout (dagre) over plain data, so it runs the same in the layout worker and in tests.

export interface LayoutBox {
  id: string;
  width: number;
  height: number;
  /** Where the node already is; nodes without one are placed around the others. */
  position?: { x: number; y: number };
}
export interface LayoutRequest {
  nodes: LayoutBox[];
  edges: { source: string; target: string }[];
  /** Lay out every node, ignoring the positions given (the "Auto layout" button). */
  all: boolean;
}
export type LayoutPositions = Record<string, { x: number; y: number }>;

const NODE_SEP = 28;
const RANK_SEP = 64;

function dagreLayout(nodes: readonly LayoutBox[], edges: LayoutRequest['edges']): LayoutPositions {
  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: NODE_SEP, ranksep: RANK_SEP, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(nodes.map((n) => n.id));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target);
  layout(g);
  const positions: LayoutPositions = {};
  for (const n of nodes) {
    const { x, y, width, height } = g.node(n.id);
    positions[n.id] = { x: Math.round(x - width / 2), y: Math.round(y - height / 2) };
  }
  return positions;
}

/**
 * Positions for the nodes to place: all of them when `all` (or when none has a position), else only those
 * without one — put where the layout of the whole graph would put them, shifted by how far the placed nodes
 * sit from their own layout positions, and nudged down until they overlap nothing.
 */
export function layoutGraph({ nodes, edges, all }: LayoutRequest): LayoutPositions {
  const placed = all ? [] : nodes.filter((n) => n.position);
  const full = dagreLayout(nodes, edges);
  if (placed.length === 0) return full;
  const dx = placed.reduce((s, n) => s + n.position!.x - full[n.id]!.x, 0) / placed.length;
  const dy = placed.reduce((s, n) => s + n.position!.y - full[n.id]!.y, 0) / placed.length;
  const boxes = placed.map((n) => ({ ...n.position!, width: n.width, height: n.height }));
  const overlaps = (x: number, y: number, n: LayoutBox) =>
    boxes.some((b) => x < b.x + b.width + NODE_SEP && x + n.width + NODE_SEP > b.x && y < b.y + b.height + NODE_SEP && y + n.height + NODE_SEP > b.y);
  const positions: LayoutPositions = {};
  for (const n of nodes) {
    if (n.position) continue;
    const x = Math.round(full[n.id]!.x + dx);
    let y = Math.round(full[n.id]!.y + dy);
    while (overlaps(x, y, n)) y += 24;
    positions[n.id] = { x, y };
    boxes.push({ x, y, width: n.width, height: n.height });
  }
  return positions;
}
