'use client';

import { Graph, layout } from '@dagrejs/dagre';
import { Handle, Position, ReactFlow, ReactFlowProvider, type Edge, type Node, type NodeProps } from '@xyflow/react';
import Link from 'next/link';
import { memo, useMemo } from 'react';
import type { RouterOutputs } from '../trpc';

type Lineage = RouterOutputs['models']['version']['lineage'];
type LineageNode = Lineage['nodes'][number];
type LineageFlowNode = Node<{ node: LineageNode; runId: string | null; pipeline: string | null }, 'lineage'>;

const WIDTH = 200;
const HEIGHT = 56;
const KIND_LABEL = { dataset: 'Dataset version', step: 'Step', model: 'Model version', endpoint: 'Endpoint' } as const;

/** Where a lineage node leads. */
function hrefOf(n: LineageNode, runId: string | null, pipeline: string | null): string | undefined {
  if (n.dataset) return `/datasets/${n.dataset.name}?version=${n.dataset.version}`;
  if (n.model) return `/models/${n.model.name}/${n.model.version}`;
  if (n.endpoint) return `/endpoints/${encodeURIComponent(n.endpoint)}`;
  if (n.step && runId) return `/runs/${runId}`;
  return pipeline ? `/pipelines/${pipeline}` : undefined;
}

const LineageNodeView = memo(function LineageNodeView({ data }: NodeProps<LineageFlowNode>) {
  const href = hrefOf(data.node, data.runId, data.pipeline);
  return (
    <div className="w-[200px] rounded-lg border border-line bg-surface px-3 py-2 text-xs shadow-sm">
      <Handle type="target" position={Position.Left} className="!opacity-0" />
      <p className="text-[10px] tracking-wide text-fg-subtle uppercase">{KIND_LABEL[data.node.kind]}</p>
      {href ? (
        <Link href={href} className="nodrag font-medium text-accent-strong hover:underline">
          {data.node.label}
        </Link>
      ) : (
        <span className="font-medium">{data.node.label}</span>
      )}
      {data.node.slots && <p className="text-[10px] text-fg-muted">{slotsText(data.node.slots)}</p>}
      <Handle type="source" position={Position.Right} className="!opacity-0" />
    </div>
  );
});

const nodeTypes = { lineage: LineageNodeView };

/** "production, staging" for the slots serving the version now; "production before" for those that did. */
export function slotsText({ current, past }: { current: string[]; past: string[] }) {
  return [current.join(', '), past.length ? `${past.join(', ')} before` : ''].filter(Boolean).join(' · ');
}

/** An endpoint that serves the version only in its history is drawn with a dashed edge. */
const pastOnly = (n: LineageNode | undefined) => !!n?.slots && n.slots.current.length === 0;

/** dataset versions → steps → model version → endpoints, laid out left to right (dagre). */
export function LineageGraph({ lineage, runId, pipeline }: { lineage: Lineage; runId: string | null; pipeline: string | null }) {
  const { nodes, edges } = useMemo(() => {
    const g = new Graph();
    g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 48 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of lineage.nodes) g.setNode(n.id, { width: WIDTH, height: HEIGHT });
    for (const e of lineage.edges) g.setEdge(e.source, e.target);
    layout(g);
    const nodes: LineageFlowNode[] = lineage.nodes.map((n) => {
      const p = g.node(n.id);
      return { id: n.id, type: 'lineage', position: { x: p.x - WIDTH / 2, y: p.y - HEIGHT / 2 }, data: { node: n, runId, pipeline }, draggable: false, connectable: false };
    });
    const byId = new Map(lineage.nodes.map((n) => [n.id, n]));
    const edges: Edge[] = lineage.edges.map((e) => ({
      id: `${e.source}>${e.target}`,
      source: e.source,
      target: e.target,
      ...(pastOnly(byId.get(e.target)) ? { style: { strokeDasharray: '4 4' } } : {}),
    }));
    return { nodes, edges };
  }, [lineage, runId, pipeline]);
  return (
    <ReactFlowProvider>
      <div className="h-80 w-full" role="region" aria-label="Lineage graph">
        <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} fitView nodesConnectable={false} nodesDraggable={false} proOptions={{ hideAttribution: true }} />
      </div>
    </ReactFlowProvider>
  );
}
