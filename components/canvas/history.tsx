import { useEffect } from 'react';
import type { EdgeChange, NodeChange } from '@xyflow/react';
import { editorReducer, type EditorAction, type EditorState } from './editor-store';
import type { NoteFlowNode, StepFlowEdge, StepFlowNode } from './graph-model';

// Undo and redo over the editor's store. Every action that changes the document (a step added, moved,
// connected, renamed, a parameter typed) is one step of history; selection and React Flow's measuring are
// not. A burst of the same edit (a drag, typing in one field) is one step, however many actions it was.

export interface EditorHistory {
  past: EditorState[];
  present: EditorState;
  future: EditorState[];
  /** The last recorded edit, for coalescing a burst of the same one. */
  last?: { key: string; at: number };
}

export type HistoryAction = EditorAction | { type: 'undo' } | { type: 'redo' };

const LIMIT = 200;
/** Edits of the same kind closer than this are one step. */
const BURST_MS = 1000;

export function initialHistory(present: EditorState): EditorHistory {
  return { past: [], present, future: [] };
}

function nodesChangeDocument(changes: NodeChange<StepFlowNode>[]): boolean {
  return changes.some((c) => c.type === 'add' || c.type === 'remove' || c.type === 'replace' || (c.type === 'position' && c.position !== undefined));
}

/** A note's resize changes the document; React Flow measuring it does not. */
function notesChangeDocument(changes: NodeChange<NoteFlowNode>[]): boolean {
  return nodesChangeDocument(changes as unknown as NodeChange<StepFlowNode>[]) || changes.some((c) => c.type === 'dimensions' && Boolean(c.setAttributes));
}

function edgesChangeDocument(changes: EdgeChange<StepFlowEdge>[]): boolean {
  return changes.some((c) => c.type === 'add' || c.type === 'remove' || c.type === 'replace');
}

/** Whether the action can change the document (not only selection, sizes or the saved baseline). */
function isEdit(action: EditorAction): boolean {
  switch (action.type) {
    case 'select':
    case 'saved':
    case 'load':
      return false;
    case 'nodesChanged':
      return nodesChangeDocument(action.changes);
    case 'edgesChanged':
      return edgesChangeDocument(action.changes);
    case 'notesChanged':
      return notesChangeDocument(action.changes);
    case 'selectAll':
      return false;
    default:
      return true;
  }
}

/** Actions that repeat in a burst and make one step together; undefined for the ones that stand alone. */
function burstKey(action: EditorAction): string | undefined {
  switch (action.type) {
    case 'nodesChanged':
      return action.changes.every((c) => c.type === 'position')
        ? `move:${action.changes.map((c) => (c.type === 'position' ? c.id : '')).join(',')}`
        : undefined;
    case 'notesChanged':
      if (action.changes.every((c) => c.type === 'position')) return `move:${action.changes.map((c) => (c.type === 'position' ? c.id : '')).join(',')}`;
      if (action.changes.every((c) => c.type === 'dimensions')) return `resize:${action.changes.map((c) => (c.type === 'dimensions' ? c.id : '')).join(',')}`;
      return undefined;
    case 'insertOnEdge':
      // Dropping a dragged step onto an edge is one step with the drag that brought it there.
      return action.nodeId ? `move:${action.nodeId}` : undefined;
    case 'setNoteText':
      return `${action.type}:${action.noteId}`;
    case 'setParams':
    case 'setLabel':
    case 'setExecution':
      return `${action.type}:${action.nodeId}`;
    case 'setDescription':
    case 'setParameters':
      return action.type;
    default:
      return undefined;
  }
}

/** A snapshot brought back keeps the present's saved baseline, so "unsaved changes" stays true to Postgres. */
function restore(snapshot: EditorState, present: EditorState): EditorState {
  return { ...snapshot, savedJson: present.savedJson, version: present.version };
}

export function historyReducer(h: EditorHistory, action: HistoryAction): EditorHistory {
  const now = Date.now();
  if (action.type === 'undo') {
    const previous = h.past[h.past.length - 1];
    if (!previous) return h;
    return { past: h.past.slice(0, -1), present: restore(previous, h.present), future: [h.present, ...h.future] };
  }
  if (action.type === 'redo') {
    const next = h.future[0];
    if (!next) return h;
    return { past: [...h.past, h.present], present: restore(next, h.present), future: h.future.slice(1) };
  }
  if (action.type === 'load') return initialHistory(editorReducer(h.present, action));
  const present = editorReducer(h.present, action);
  if (present === h.present) return h;
  if (!isEdit(action)) return { ...h, present };
  const key = burstKey(action);
  if (key && h.last?.key === key && now - h.last.at < BURST_MS) return { ...h, present, future: [], last: { key, at: now } };
  return { past: [...h.past, h.present].slice(-LIMIT), present, future: [], last: key ? { key, at: now } : undefined };
}

/**
 * Ctrl+Z undoes, Ctrl+Shift+Z (or Ctrl+Y) redoes, ⌘ on a Mac — except while typing in a field or the code
 * editor, which keep their own undo.
 */
export function useUndoShortcuts(dispatch: (action: HistoryAction) => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest?.('input, textarea, select, [contenteditable="true"], .monaco-editor')) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) dispatch({ type: 'undo' });
      else if ((key === 'z' && e.shiftKey) || key === 'y') dispatch({ type: 'redo' });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dispatch]);
}
