// The editor group's raw engine: React Flow alone, its default nodes, the graph the editor opens, with the
// same viewport options (fit no smaller than 80 %, render only what is visible). Bundled by esbuild.
import { ReactFlow, type Edge, type Node } from '@xyflow/react';
import { createRoot } from 'react-dom/client';

interface Graph {
  nodes: { id: string; position: { x: number; y: number } }[];
  edges: { source: string; target: string }[];
}

async function main() {
  const graph = (await (await fetch(`/graphs/${location.hash.slice(1)}.json`)).json()) as Graph;
  const nodes: Node[] = graph.nodes.map((n) => ({ id: n.id, position: n.position, data: { label: n.id }, ariaLabel: `Step ${n.id}` }));
  const edges: Edge[] = graph.edges.map((e) => ({ id: `${e.source}->${e.target}`, source: e.source, target: e.target }));
  const size = new URLSearchParams(location.search);
  createRoot(document.getElementById('root')!).render(
    <div style={{ width: `${size.get('w') ?? 1080}px`, height: `${size.get('h') ?? 800}px` }}>
      <ReactFlow defaultNodes={nodes} defaultEdges={edges} fitView fitViewOptions={{ padding: 0.08, maxZoom: 1.1, minZoom: 0.8 }} minZoom={0.05} onlyRenderVisibleElements />
    </div>,
  );
}

void main();
