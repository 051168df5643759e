'use client';

import { Background, BackgroundVariant, Controls, ReactFlow, ReactFlowProvider, type Edge } from '@xyflow/react';
import { useMemo } from 'react';
import type { PipelineDocument } from '../../workflows/core/document';
import type { StepStatus } from '../../workflows/core/plan';
import { DecorationsContext, type GraphDecorations, type NodeDecoration } from '../canvas/decorations';
import { fromDocument, toNoteFlowNode, type StepFlowNode } from '../canvas/graph-model';
import { canvasNodeTypes } from '../canvas/note-node';
import { useTheme } from '../ui/theme';
import { formatDuration } from '../ui/format';
import { summaryCaption } from './summary-format';

export interface RunGraphStep {
  nodeId: string;
  status: StepStatus;
  summary?: Record<string, unknown>;
  error?: string;
  attempts?: number;
  startedAt?: Date | string;
  finishedAt?: Date | string;
}

/** "2.1 s", "· attempt 2" when it was retried, then the summary's caption (or the error's first line). */
export function runNodeCaption(s: RunGraphStep | undefined): string | undefined {
  if (!s) return undefined;
  const timing = s.startedAt ? [formatDuration(s.startedAt, s.finishedAt), s.attempts && s.attempts > 1 ? `attempt ${s.attempts}` : undefined] : [];
  const result = s.status === 'failed' ? s.error?.split('\n')[0] : summaryCaption(s.summary);
  const parts = [...timing, result].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** The pipeline as it ran, read-only, each node showing its live status. */
export function RunGraph({
  document,
  steps,
  onStepClick,
}: {
  document: PipelineDocument;
  steps: RunGraphStep[];
  /** A click on a node (e.g. to open its details). */
  onStepClick?: (nodeId: string) => void;
}) {
  const theme = useTheme();
  const graph = useMemo(() => fromDocument(document), [document]);
  const byId = useMemo(() => new Map(steps.map((s) => [s.nodeId, s])), [steps]);

  const nodes: StepFlowNode[] = useMemo(
    () =>
      graph.nodes.map((n) => ({
        ...n,
        draggable: false,
        connectable: false,
        ariaLabel: `Step ${n.id}: ${byId.get(n.id)?.status ?? 'pending'}`,
      })),
    [graph.nodes, byId],
  );
  // Sticky notes, read-only, behind the steps.
  const shownNodes = useMemo(
    () => [...(document.notes ?? []).map((n) => ({ ...toNoteFlowNode(n), draggable: false, selectable: false, focusable: false })), ...nodes],
    [document.notes, nodes],
  );
  const edges: Edge[] = useMemo(
    () => graph.edges.map((e) => ({ ...e, animated: byId.get(e.target)?.status === 'running', focusable: false })),
    [graph.edges, byId],
  );
  const decorations: GraphDecorations = useMemo(() => {
    const map = new Map<string, NodeDecoration>();
    for (const n of graph.nodes) {
      const s = byId.get(n.id);
      map.set(n.id, {
        errors: [],
        status: s?.status ?? 'pending',
        caption: runNodeCaption(s),
      });
    }
    return { byNode: map, readOnly: true };
  }, [graph.nodes, byId]);

  return (
    <ReactFlowProvider>
      <DecorationsContext.Provider value={decorations}>
        <ReactFlow
          aria-label="Run graph"
          colorMode={theme}
          nodes={shownNodes}
          edges={edges}
          nodeTypes={canvasNodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          deleteKeyCode={null}
          onNodeClick={onStepClick ? (_e, node) => onStepClick(node.id) : undefined}
          zoomOnScroll={false}
          preventScrolling={false}
          fitView
          fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
          minZoom={0.2}
        >
          <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} />
          <Controls showInteractive={false} position="bottom-left" />
        </ReactFlow>
      </DecorationsContext.Provider>
    </ReactFlowProvider>
  );
}
