'use client';

import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type Node,
  type NodeChange,
} from '@xyflow/react';
import { forwardRef, useCallback, useMemo, useRef, useState, type DragEvent } from 'react';
import { DecorationsProvider } from './decoration-store';
import type { GraphDecorations } from './decorations';
import { NODE_WIDTH, connectionProblem, isNoteFlowId, type NoteFlowNode, type StepFlowEdge, type StepFlowNode } from './graph-model';
import { canvasNodeTypes, NoteEditContext } from './note-node';
import { STEP_DRAG_TYPE } from './palette';
import type { CanvasEditing } from './use-canvas-editing';
import { useTheme } from '../ui/theme';

const DELETE_KEYS = ['Backspace', 'Delete'];
// Shift+click adds a step to the selection, as Ctrl/⌘+click does; Shift+drag draws a selection box.
const MULTI_SELECT_KEYS = ['Shift', 'Control', 'Meta'];
// Opening fits the graph, but never below the zoom at which step titles stay legible (14 px × 0.8 ≈ 11 px):
// a bigger graph opens at its centre. The Fit button shows all of it, as small as that takes.
const OPEN_FIT_OPTIONS = { padding: 0.08, maxZoom: 1.1, minZoom: 0.8 };
const FIT_VIEW_OPTIONS = { padding: 0.08, maxZoom: 1.1 };
const DEFAULT_VIEWPORT = { x: 40, y: 40, zoom: 1 };

export interface PipelineCanvasProps {
  nodes: StepFlowNode[];
  edges: StepFlowEdge[];
  decorations: GraphDecorations;
  /** Edge ids the compiler complains about. */
  badEdges: ReadonlySet<string>;
  onNodesChange: (changes: NodeChange<StepFlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<StepFlowEdge>[]) => void;
  onConnect: (connection: Connection) => void;
  onAddStep: (stepType: string, position: { x: number; y: number }) => void;
  /** A refused connection, explained. */
  onRefused: (message: string) => void;
  /** Menus, notes and drops onto edges (use-canvas-editing). */
  editing?: CanvasEditing;
}

const NO_NOTES: NoteFlowNode[] = [];

/** The editable React Flow canvas: drop target for the palette, typed connections, keyboard delete. */
export const PipelineCanvas = forwardRef<HTMLDivElement, PipelineCanvasProps>(function PipelineCanvas(
  { nodes, edges, decorations, badEdges, onNodesChange, onEdgesChange, onConnect, onAddStep, onRefused, editing },
  ref,
) {
  const { screenToFlowPosition } = useReactFlow();
  const theme = useTheme();
  // A document that opens with steps is fitted into view once; an empty one starts at 100 % and stays put, so
  // the first step dropped does not move the canvas under the next drop.
  const [fitOnOpen] = useState(nodes.length > 0);
  // React Flow calls these during a drag; read the latest graph without re-creating them.
  const graph = useRef({ nodes, edges });
  graph.current = { nodes, edges };

  const isValidConnection: IsValidConnection = useCallback(
    (c) =>
      !connectionProblem(
        { source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? null, targetHandle: c.targetHandle ?? null },
        graph.current.nodes,
        graph.current.edges,
      ),
    [],
  );

  const onConnectEnd = useCallback(
    (_: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (!state.toHandle || state.isValid !== false || !state.fromHandle) return;
      const fromIsSource = state.fromHandle.type === 'source';
      const source = fromIsSource ? state.fromHandle : state.toHandle;
      const target = fromIsSource ? state.toHandle : state.fromHandle;
      const problem = connectionProblem(
        { source: source.nodeId, sourceHandle: source.id ?? null, target: target.nodeId, targetHandle: target.id ?? null },
        graph.current.nodes,
        graph.current.edges,
      );
      onRefused(`Connection refused. ${problem ?? 'Connect an output (right side) to an input (left side).'}`);
    },
    [onRefused],
  );

  const onDragOver = useCallback(
    (event: DragEvent) => {
      if (!event.dataTransfer.types.includes(STEP_DRAG_TYPE)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      if (editing) {
        const under = editing.edgeAt(event.clientX, event.clientY);
        if (under !== editing.dropEdge) editing.setDropEdge(under);
      }
    },
    [editing],
  );

  const onDrop = useCallback(
    (event: DragEvent) => {
      const stepType = event.dataTransfer.getData(STEP_DRAG_TYPE);
      if (!stepType) return;
      event.preventDefault();
      const p = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const position = { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - 30) };
      const onEdge = editing?.edgeAt(event.clientX, event.clientY);
      if (editing && onEdge) editing.onDropStepOnEdge(stepType, position, onEdge);
      else onAddStep(stepType, position);
    },
    [screenToFlowPosition, onAddStep, editing],
  );

  const dropEdge = editing?.dropEdge;
  const shownEdges: Edge[] = useMemo(
    () =>
      edges.map((e) =>
        e.id === dropEdge
          ? { ...e, className: 'drop-target', style: { stroke: 'var(--color-accent)', strokeWidth: 4 } }
          : badEdges.has(e.id)
            ? { ...e, className: 'has-error', animated: false }
            : e,
      ),
    [edges, badEdges, dropEdge],
  );

  // Steps and notes share the canvas; their changes go back to their own lists.
  const notes = editing?.notes ?? NO_NOTES;
  const shownNodes = useMemo<Node[]>(() => (notes.length ? [...notes, ...nodes] : nodes), [nodes, notes]);
  const onNotesChange = editing?.onNotesChange;
  const onAnyNodesChange = useCallback(
    (changes: NodeChange<Node>[]) => {
      const isNote = (c: NodeChange<Node>) => isNoteFlowId(c.type === 'add' || c.type === 'replace' ? c.item.id : c.id);
      const forNotes = changes.filter(isNote);
      const forSteps = forNotes.length ? changes.filter((c) => !isNote(c)) : changes;
      if (forSteps.length) onNodesChange(forSteps as NodeChange<StepFlowNode>[]);
      if (forNotes.length) onNotesChange?.(forNotes as NodeChange<NoteFlowNode>[]);
    },
    [onNodesChange, onNotesChange],
  );
  const noteEdit = useMemo(() => (editing ? { onText: editing.onNoteText } : undefined), [editing?.onNoteText]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div
      ref={ref}
      className="relative min-h-0 flex-1"
      onDragOver={onDragOver}
      onDragLeave={() => editing?.dropEdge && editing.setDropEdge(undefined)}
      onDrop={onDrop}
      onKeyDown={editing?.onKeyDown}
    >
      <NoteEditContext.Provider value={noteEdit}>
      <DecorationsProvider value={decorations}>
        <ReactFlow<Node, Edge>
          aria-label="Pipeline canvas"
          nodes={shownNodes}
          edges={shownEdges}
          nodeTypes={canvasNodeTypes}
          onNodesChange={onAnyNodesChange}
          onNodeContextMenu={editing?.onNodeContextMenu}
          onPaneContextMenu={editing?.onPaneContextMenu}
          onSelectionContextMenu={editing?.onSelectionContextMenu}
          onNodeDrag={editing?.onNodeDrag}
          onNodeDragStop={editing?.onNodeDragStop}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          deleteKeyCode={DELETE_KEYS}
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          fitView={fitOnOpen}
          fitViewOptions={OPEN_FIT_OPTIONS}
          defaultViewport={DEFAULT_VIEWPORT}
          minZoom={0.05}
          maxZoom={2}
          onlyRenderVisibleElements
          colorMode={theme}
        >
          <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} />
          <Controls showInteractive={false} position="bottom-left" fitViewOptions={FIT_VIEW_OPTIONS} />
          <MiniMap pannable zoomable ariaLabel="Minimap of the pipeline" position="bottom-right" className="!bg-surface" />
        </ReactFlow>
      </DecorationsProvider>
      </NoteEditContext.Provider>
      {editing?.overlay}
    </div>
  );
});
