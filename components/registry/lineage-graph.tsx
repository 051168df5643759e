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

/** Where a lineage node leads (an endpoint has no page of its own yet). */
function hrefOf(n: LineageNode, runId: string | null, pipeline: string | null): string | undefined {
  if (n.dataset) return `/datasets/${n.dataset.name}?version=${n.dataset.version}`;
  if (n.model) return `/models/${n.model.name}/${n.model.version}`;
  if (n.endpoint) return undefined;
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
      <Handle type="source" position={Position.Right} className="!opacity-0" />
    </div>
  );
});

const nodeTypes = { lineage: LineageNodeView };

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
    const edges: Edge[] = lineage.edges.map((e) => ({ id: `${e.source}>${e.target}`, source: e.source, target: e.target }));
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
