import { Graph, layout } from '@dagrejs/dagre';
import type { XYPosition } from '@xyflow/react';
import { NODE_HEIGHT_ESTIMATE, NODE_WIDTH, type StepFlowEdge, type StepFlowNode } from './graph-model';

/** Left-to-right layered layout (dagre); returns top-left positions keyed by node id. */
export function layoutGraph(nodes: readonly StepFlowNode[], edges: readonly StepFlowEdge[]): Record<string, XYPosition> {
  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 32, ranksep: 56, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    g.setNode(n.id, { width: n.measured?.width ?? NODE_WIDTH, height: n.measured?.height ?? NODE_HEIGHT_ESTIMATE });
  }
  for (const e of edges) g.setEdge(e.source, e.target);
  layout(g);
  const positions: Record<string, XYPosition> = {};
  for (const n of nodes) {
    const { x, y, width, height } = g.node(n.id);
    positions[n.id] = { x: Math.round(x - width / 2), y: Math.round(y - height / 2) };
  }
  return positions;
}
