'use client';

import { useReactFlow, type Node, type NodeChange, type OnNodeDrag, type XYPosition } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent as ReactMouseEvent, type ReactNode } from 'react';
import { NOTE_COLORS } from '../../workflows/core/document';
import { fragmentOf, storedFragment, storeFragment } from './clipboard';
import { ContextMenu, type OpenMenu } from './context-menu';
import type { CanvasActions, MenuTarget } from './context-menu-items';
import type { EditorAction, EditorState } from './editor-store';
import { edgeInsertion, isNoteFlowId, type NoteFlowNode, type StepFlowNode } from './graph-model';
import { layoutGraph } from './auto-layout';
import { layoutRequestOf } from './layout-client';

const DUPLICATE_OFFSET = { x: 40, y: 40 };

/** What the canvas needs for menus, notes and drops onto edges (see PipelineCanvas `editing`). */
export interface CanvasEditing {
  notes: NoteFlowNode[];
  onNotesChange: (changes: NodeChange<NoteFlowNode>[]) => void;
  onNoteText: (noteFlowId: string, text: string) => void;
  onNodeContextMenu: (event: ReactMouseEvent, node: Node) => void;
  onPaneContextMenu: (event: ReactMouseEvent | MouseEvent) => void;
  onSelectionContextMenu: (event: ReactMouseEvent, nodes: Node[]) => void;
  /** ContextMenu key or Shift+F10 on a focused step, note or the canvas. */
  onKeyDown: (event: KeyboardEvent) => void;
  /** The edge under a screen point, if any. */
  edgeAt: (x: number, y: number) => string | undefined;
  /** The edge a drop would go into, drawn highlighted. */
  dropEdge?: string;
  setDropEdge: (edgeId: string | undefined) => void;
  onDropStepOnEdge: (stepType: string, position: XYPosition, edgeId: string) => void;
  onNodeDrag: OnNodeDrag;
  onNodeDragStop: OnNodeDrag;
  overlay: ReactNode;
}

/**
 * The canvas's editing beyond drawing: right-click menus and their actions, sticky notes, and putting a step
 * into an edge by dropping it there. The actions are also what the multi-select inspector offers.
 */
export function useCanvasEditing({
  state,
  dispatch,
  say,
  onAutoLayout,
  onPreviewUpTo,
}: {
  state: EditorState;
  dispatch: (action: EditorAction) => void;
  say: (tone: 'ok' | 'info' | 'bad', text: string) => void;
  onAutoLayout: () => void;
  onPreviewUpTo: (nodeId: string) => void;
}): {
  editing: CanvasEditing;
  actions: CanvasActions;
  alignSelection: (how: 'left' | 'top' | 'layout') => void;
  /** Where "Add a step here" was chosen, once: the next step added from the palette goes there. */
  takeSpot: () => XYPosition | undefined;
} {
  const { screenToFlowPosition, fitView } = useReactFlow();
  const [menu, setMenu] = useState<OpenMenu>();
  const [dropEdge, setDropEdge] = useState<string>();
  const spot = useRef<XYPosition>(undefined);
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  });

  const selectedSteps = () => latest.current.nodes.filter((n) => n.selected);
  const focusLater = (selector: string) =>
    requestAnimationFrame(() => requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus()));

  const fragmentOfIds = (ids: string[]) => {
    const wanted = new Set(ids);
    const { nodes, edges } = latest.current;
    return fragmentOf(
      nodes.map((n) => (n.selected === wanted.has(n.id) ? n : { ...n, selected: wanted.has(n.id) })),
      edges,
    );
  };
  const plural = (n: number) => `${n} step${n === 1 ? '' : 's'}`;

  const actions: CanvasActions = useMemo(
    () => ({
      rename(nodeId) {
        dispatch({ type: 'select', nodeId });
        focusLater('#node-id');
      },
      duplicate(ids) {
        const fragment = fragmentOfIds(ids);
        if (!fragment) return;
        dispatch({ type: 'paste', fragment, offset: DUPLICATE_OFFSET });
        say('info', `Duplicated ${plural(fragment.nodes.length)}`);
      },
      copy(ids) {
        const fragment = fragmentOfIds(ids);
        if (!fragment) return;
        storeFragment(fragment);
        say('info', `Copied ${plural(fragment.nodes.length)}: paste with Ctrl+V, here or in another pipeline`);
      },
      remove(ids) {
        dispatch({ type: 'removeNodes', nodeIds: ids });
      },
      addNote(at) {
        let position: XYPosition;
        if ('besideStep' in at) {
          const step = latest.current.nodes.find((n) => n.id === at.besideStep);
          const p = step?.position ?? { x: 0, y: 0 };
          position = { x: Math.round(p.x), y: Math.round(p.y - 140) };
        } else position = { x: Math.round(at.x), y: Math.round(at.y) };
        dispatch({ type: 'addNote', position });
        focusLater('.react-flow__node-note.selected textarea');
      },
      recolorNote(noteId) {
        const note = latest.current.notes.find((n) => n.id === noteId);
        if (!note) return;
        const color = NOTE_COLORS[(NOTE_COLORS.indexOf(note.data.color ?? 'yellow') + 1) % NOTE_COLORS.length];
        dispatch({ type: 'setNoteColor', noteId, color });
      },
      paste(at) {
        const fragment = storedFragment();
        if (!fragment) return say('info', 'Nothing to paste: select steps and press Ctrl+C first');
        const minX = Math.min(...fragment.nodes.map((n) => n.position?.x ?? 0));
        const minY = Math.min(...fragment.nodes.map((n) => n.position?.y ?? 0));
        dispatch({ type: 'paste', fragment, offset: { x: Math.round(at.x - minX), y: Math.round(at.y - minY) } });
        say('info', `Pasted ${plural(fragment.nodes.length)}`);
      },
      canPaste: () => storedFragment() !== undefined,
      addStepHere(at) {
        spot.current = at;
        focusLater('#palette-search');
        say('info', 'Pick a step in the palette (type to search; Enter or a click adds it): it goes where you clicked');
      },
      autoLayout: onAutoLayout,
      selectAll: () => dispatch({ type: 'selectAll' }),
      fitView: () => void fitView({ padding: 0.2, maxZoom: 1.1, duration: 300 }),
      previewUpTo(nodeId) {
        dispatch({ type: 'select', nodeId });
        onPreviewUpTo(nodeId);
      },
    }),
    [dispatch, say, onAutoLayout, onPreviewUpTo, fitView],
  );

  const open = useCallback((target: MenuTarget, x: number, y: number) => setMenu({ target, x, y }), []);

  /** A right-clicked step: with the others if it is one of several selected, else alone (and selected). */
  const targetOfStep = (nodeId: string): MenuTarget => {
    const selected = selectedSteps().map((n) => n.id);
    if (selected.length > 1 && selected.includes(nodeId)) return { kind: 'selection', nodeIds: selected };
    dispatch({ type: 'select', nodeId });
    return { kind: 'step', nodeId };
  };

  const onNodeContextMenu = (event: ReactMouseEvent, node: Node) => {
    event.preventDefault();
    const target: MenuTarget = isNoteFlowId(node.id) ? { kind: 'note', noteId: node.id } : targetOfStep(node.id);
    open(target, event.clientX, event.clientY);
  };
  const onPaneContextMenu = (event: ReactMouseEvent | MouseEvent) => {
    event.preventDefault();
    open({ kind: 'pane', at: screenToFlowPosition({ x: event.clientX, y: event.clientY }) }, event.clientX, event.clientY);
  };
  const onSelectionContextMenu = (event: ReactMouseEvent, nodes: Node[]) => {
    event.preventDefault();
    const ids = nodes.filter((n) => !isNoteFlowId(n.id)).map((n) => n.id);
    if (ids.length === 0) return;
    open({ kind: 'selection', nodeIds: ids }, event.clientX, event.clientY);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (!(event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey))) return;
    const el = (event.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
    const canvas = (event.currentTarget as HTMLElement).getBoundingClientRect();
    event.preventDefault();
    if (el) {
      const id = el.dataset.id ?? '';
      const box = el.getBoundingClientRect();
      open(isNoteFlowId(id) ? { kind: 'note', noteId: id } : targetOfStep(id), box.left + 24, box.top + 24);
    } else {
      const x = canvas.left + canvas.width / 2;
      const y = canvas.top + canvas.height / 3;
      open({ kind: 'pane', at: screenToFlowPosition({ x, y }) }, x, y);
    }
  };

  const edgeAt = useCallback((x: number, y: number) => {
    for (const el of document.elementsFromPoint(x, y)) {
      const edge = el.closest<SVGGElement>('.react-flow__edge');
      if (edge?.dataset.id) return edge.dataset.id;
    }
    return undefined;
  }, []);

  const onDropStepOnEdge = (stepType: string, position: XYPosition, edgeId: string) => {
    setDropEdge(undefined);
    const { nodes, edges } = latest.current;
    const edge = edges.find((e) => e.id === edgeId);
    const probe: StepFlowNode = { id: '__new__', type: 'step', position, data: { stepType, params: {} } };
    const fit = edge ? edgeInsertion(edge, probe, nodes, edges) : { problem: 'That edge is gone.' };
    dispatch({ type: 'insertOnEdge', edgeId, stepType, position });
    if (fit.problem !== undefined) say('bad', `Added, not inserted into the edge: ${fit.problem}`);
  };

  /** Only a step without edges goes into an edge when dragged onto one. */
  const loose = (nodeId: string) => !isNoteFlowId(nodeId) && !latest.current.edges.some((e) => e.source === nodeId || e.target === nodeId);
  const onNodeDrag: OnNodeDrag = (event, node) => {
    if (!loose(node.id) || selectedSteps().length > 1) return;
    const p = 'clientX' in event ? event : (event.touches[0] ?? event.changedTouches[0]);
    if (!p) return;
    const under = edgeAt(p.clientX, p.clientY);
    if (under !== dropEdge) setDropEdge(under);
  };
  const onNodeDragStop: OnNodeDrag = (_, node) => {
    const edgeId = dropEdge;
    setDropEdge(undefined);
    if (!edgeId || !loose(node.id)) return;
    const { nodes, edges } = latest.current;
    const edge = edges.find((e) => e.id === edgeId);
    const step = nodes.find((n) => n.id === node.id);
    if (!edge || !step) return;
    const fit = edgeInsertion(edge, step, nodes, edges);
    if (fit.problem !== undefined) return say('bad', `Not inserted into the edge: ${fit.problem}`);
    dispatch({ type: 'insertOnEdge', edgeId, nodeId: node.id, position: step.position });
  };

  const alignSelection = (how: 'left' | 'top' | 'layout') => {
    const picked = selectedSteps();
    if (picked.length < 2) return;
    const left = Math.min(...picked.map((n) => n.position.x));
    const top = Math.min(...picked.map((n) => n.position.y));
    let positions: Record<string, XYPosition>;
    if (how === 'layout') {
      const ids = new Set(picked.map((n) => n.id));
      const laid = layoutGraph({ ...layoutRequestOf(picked, latest.current.edges.filter((e) => ids.has(e.source) && ids.has(e.target))), all: true });
      positions = Object.fromEntries(Object.entries(laid).map(([id, p]) => [id, { x: p.x + left, y: p.y + top }]));
    } else {
      positions = Object.fromEntries(picked.map((n) => [n.id, how === 'left' ? { x: left, y: n.position.y } : { x: n.position.x, y: top }]));
    }
    dispatch({ type: 'moveNodes', positions });
  };

  const editing: CanvasEditing = {
    notes: state.notes,
    onNotesChange: useCallback((changes) => dispatch({ type: 'notesChanged', changes }), [dispatch]),
    onNoteText: useCallback((noteId, text) => dispatch({ type: 'setNoteText', noteId, text }), [dispatch]),
    onNodeContextMenu,
    onPaneContextMenu,
    onSelectionContextMenu,
    onKeyDown,
    edgeAt,
    dropEdge,
    setDropEdge,
    onDropStepOnEdge,
    onNodeDrag,
    onNodeDragStop,
    overlay: menu && <ContextMenu menu={menu} actions={actions} onClose={() => setMenu(undefined)} />,
  };
  const takeSpot = () => {
    const at = spot.current;
    spot.current = undefined;
    return at;
  };
  return { editing, actions, alignSelection, takeSpot };
}
