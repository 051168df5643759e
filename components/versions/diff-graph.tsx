'use client';

import { Background, BackgroundVariant, Controls, ReactFlow, ReactFlowProvider, type Edge } from '@xyflow/react';
import { useMemo } from 'react';
import type { PipelineDocument } from '../../workflows/core/document';
import type { DocumentDiff } from '../../workflows/core/document-diff';
import { DecorationsContext, type GraphDecorations, type NodeDecoration } from '../canvas/decorations';
import { edgeId, fromDocument, type StepFlowNode } from '../canvas/graph-model';
import { nodeTypes } from '../canvas/step-node';

const REMOVED_EDGE = { stroke: 'var(--color-bad)', strokeDasharray: '6 4' };
const ADDED_EDGE = { stroke: 'var(--color-ok)', strokeWidth: 2 };

/**
 * The newer version's graph with the older one's removed steps and connections drawn in, each step marked
 * added, removed or changed (frame and word) and each connection added or removed (colour and label).
 */
export function DiffGraph({ older, newer, diff, label }: { older: PipelineDocument; newer: PipelineDocument; diff: DocumentDiff; label: string }) {
  const { nodes, edges, decorations } = useMemo(() => {
    const removedIds = new Set(diff.removedNodes.map((n) => n.id));
    const merged: PipelineDocument = {
      ...newer,
      nodes: [...newer.nodes, ...older.nodes.filter((n) => removedIds.has(n.id))],
      edges: [...newer.edges, ...diff.removedEdges],
    };
    const graph = fromDocument(merged);
    const kind = new Map<string, NodeDecoration['diff']>([
      ...diff.addedNodes.map((n) => [n.id, 'added'] as const),
      ...diff.removedNodes.map((n) => [n.id, 'removed'] as const),
      ...diff.changedNodes.map((n) => [n.id, 'changed'] as const),
    ]);
    const byNode = new Map<string, NodeDecoration>();
    for (const [id, d] of kind) byNode.set(id, { errors: [], diff: d });
    const decorations: GraphDecorations = { byNode, readOnly: true };
    const nodes: StepFlowNode[] = graph.nodes.map((n) => ({
      ...n,
      draggable: false,
      connectable: false,
      ariaLabel: `Step ${n.id}: ${kind.get(n.id) ?? 'unchanged'}`,
    }));
    const added = new Set(diff.addedEdges.map((e) => edgeId(e.from, e.to)));
    const removed = new Set(diff.removedEdges.map((e) => edgeId(e.from, e.to)));
    const edges: Edge[] = graph.edges.map((e) =>
      removed.has(e.id)
        ? { ...e, style: REMOVED_EDGE, label: 'removed', focusable: false }
        : added.has(e.id)
          ? { ...e, style: ADDED_EDGE, label: 'added', focusable: false }
          : { ...e, focusable: false },
    );
    return { nodes, edges, decorations };
  }, [older, newer, diff]);

  return (
    <ReactFlowProvider>
      <DecorationsContext.Provider value={decorations}>
        <ReactFlow
          aria-label={label}
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          deleteKeyCode={null}
          zoomOnScroll={false}
          preventScrolling={false}
          fitView
          fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
          minZoom={0.1}
        >
          <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} />
          <Controls showInteractive={false} position="bottom-left" />
        </ReactFlow>
      </DecorationsContext.Provider>
    </ReactFlowProvider>
  );
}
