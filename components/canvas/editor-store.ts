import { addEdge, applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react';
import { canonicalJson } from '../../workflows/core/canonical-json';
import { pastedNodes, type Fragment } from './clipboard';
import type { PipelineDocument } from '../../workflows/core/document';
import type { ParameterDeclaration } from '../../workflows/core/parameters';
import {
  connectionProblem,
  edgeInsertion,
  newNoteFlowNode,
  toCanvasNote,
  toNoteFlowNode,
  type NoteFlowNode,
  freshNodeId,
  fromDocument,
  initialParams,
  stepsByType,
  toDocument,
  toFlowEdge,
  type StepFlowEdge,
  type NodeExecution,
  type StepFlowNode,
} from './graph-model';

// The editor's one graph store: a reducer over React Flow's nodes and edges plus the document's
// name and description. Everything else (the document, validation, dirtiness) is derived from it.

export interface EditorState {
  name: string;
  description?: string;
  parameters?: ParameterDeclaration[];
  nodes: StepFlowNode[];
  edges: StepFlowEdge[];
  /** Sticky notes on the canvas (not steps: nothing that reads steps sees them). */
  notes: NoteFlowNode[];
  /** Canonical JSON of the document as last loaded or saved: the baseline for "unsaved changes". */
  savedJson: string;
  /** The stored version the baseline is, if any. */
  version?: number;
}

export type EditorAction =
  | { type: 'load'; document: PipelineDocument; version?: number }
  | { type: 'saved'; document: PipelineDocument; version: number }
  | { type: 'nodesChanged'; changes: NodeChange<StepFlowNode>[] }
  | { type: 'edgesChanged'; changes: EdgeChange<StepFlowEdge>[] }
  | { type: 'connect'; connection: Connection }
  | { type: 'addStep'; stepType: string; position: XYPosition }
  | { type: 'setParams'; nodeId: string; params: Record<string, unknown> }
  | { type: 'setLabel'; nodeId: string; label: string }
  | { type: 'setExecution'; nodeId: string; execution: NodeExecution }
  | { type: 'renameNode'; nodeId: string; newId: string }
  | { type: 'removeNode'; nodeId: string }
  | { type: 'select'; nodeId: string | null }
  | { type: 'setDescription'; description: string }
  | { type: 'setParameters'; parameters: ParameterDeclaration[] }
  | { type: 'moveNodes'; positions: Record<string, XYPosition> }
  /**
   * Puts a whole graph (and document fields) in place at once — an undo step, a document edited as JSON —
   * keeping the saved baseline and version unless given.
   */
  | { type: 'replace'; state: Partial<Omit<EditorState, 'savedJson' | 'version'>> }
  /** Copied steps added (fresh ids, moved by the offset) and selected instead of what was. */
  | { type: 'paste'; fragment: Fragment; offset: XYPosition }
  | { type: 'notesChanged'; changes: NodeChange<NoteFlowNode>[] }
  | { type: 'addNote'; position: XYPosition; text?: string }
  | { type: 'setNoteText'; noteId: string; text: string }
  | { type: 'setNoteColor'; noteId: string; color: NoteFlowNode['data']['color'] }
  | { type: 'removeNodes'; nodeIds: string[] }
  | { type: 'selectAll' }
  /**
   * A step put into the edge a→b (a→step→b): a new one of `stepType`, or the existing unconnected `nodeId`.
   * When the ports do not fit, a new step is still added (and an existing one stays where it was dropped).
   */
  | { type: 'insertOnEdge'; edgeId: string; position: XYPosition; stepType?: string; nodeId?: string };

export function documentOf(state: EditorState): PipelineDocument {
  return withNotes(withParameters(toDocument({ name: state.name, description: state.description }, state.nodes, state.edges), state.parameters), state.notes);
}

function withNotes(document: PipelineDocument, notes: readonly NoteFlowNode[]): PipelineDocument {
  return notes.length ? { ...document, notes: notes.map(toCanvasNote) } : document;
}

function withParameters(document: PipelineDocument, parameters: ParameterDeclaration[] | undefined): PipelineDocument {
  return parameters?.length ? { ...document, parameters } : document;
}

export function initialEditorState(document: PipelineDocument, version?: number): EditorState {
  const { nodes, edges } = fromDocument(document);
  const notes = (document.notes ?? []).map(toNoteFlowNode);
  return {
    name: document.name,
    description: document.description,
    parameters: document.parameters,
    nodes,
    edges,
    notes,
    savedJson: canonicalJson(withNotes(withParameters(toDocument(document, nodes, edges), document.parameters), notes)),
    version,
  };
}

function updateNode(state: EditorState, nodeId: string, update: (n: StepFlowNode) => StepFlowNode): EditorState {
  return { ...state, nodes: state.nodes.map((n) => (n.id === nodeId ? update(n) : n)) };
}

function unselected<T extends { selected?: boolean }>(items: T[]): T[] {
  return items.some((n) => n.selected) ? items.map((n) => (n.selected ? { ...n, selected: false } : n)) : items;
}

function newStepNode(state: EditorState, stepType: string, position: XYPosition): StepFlowNode | undefined {
  const step = stepsByType.get(stepType);
  if (!step) return undefined;
  const id = freshNodeId(step.type, new Set(state.nodes.map((n) => n.id)));
  return { id, type: 'step', position, data: { stepType: step.type, params: initialParams(step) }, ariaLabel: `Step ${id}`, selected: true };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'load':
      return initialEditorState(action.document, action.version);
    case 'saved':
      return { ...state, savedJson: canonicalJson(action.document), version: action.version };
    case 'nodesChanged':
      return { ...state, nodes: applyNodeChanges(action.changes, state.nodes) };
    case 'edgesChanged':
      return { ...state, edges: applyEdgeChanges(action.changes, state.edges) };
    case 'connect': {
      const c = action.connection;
      if (connectionProblem(c, state.nodes, state.edges)) return state;
      const edge = toFlowEdge(`${c.source}.${c.sourceHandle}`, `${c.target}.${c.targetHandle}`);
      return edge ? { ...state, edges: addEdge(edge, state.edges) } : state;
    }
    case 'addStep': {
      const node = newStepNode(state, action.stepType, action.position);
      if (!node) return state;
      return { ...state, nodes: [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], notes: unselected(state.notes) };
    }
    case 'insertOnEdge': {
      const edge = state.edges.find((e) => e.id === action.edgeId);
      const added = action.stepType ? newStepNode(state, action.stepType, action.position) : undefined;
      const node = added ?? state.nodes.find((n) => n.id === action.nodeId);
      if (!node) return state;
      const nodes = added ? [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), added] : state.nodes;
      const fit = edge && !state.edges.some((e) => e.source === node.id || e.target === node.id) ? edgeInsertion(edge, node, nodes, state.edges) : undefined;
      if (!edge || !fit || fit.problem !== undefined) return added ? { ...state, nodes } : state;
      const into = toFlowEdge(`${edge.source}.${edge.sourceHandle}`, `${node.id}.${fit.input}`);
      const out = toFlowEdge(`${node.id}.${fit.output}`, `${edge.target}.${edge.targetHandle}`);
      if (!into || !out) return state;
      return { ...state, nodes, edges: [...state.edges.filter((e) => e.id !== edge.id), into, out] };
    }
    case 'notesChanged':
      return { ...state, notes: applyNodeChanges(action.changes, state.notes) };
    case 'addNote':
      return {
        ...state,
        nodes: state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)),
        notes: [...unselected(state.notes), newNoteFlowNode(state.notes, action.position, action.text)],
      };
    case 'setNoteText':
      return { ...state, notes: state.notes.map((n) => (n.id === action.noteId ? { ...n, data: { ...n.data, text: action.text } } : n)) };
    case 'setNoteColor':
      return {
        ...state,
        notes: state.notes.map((n) => {
          if (n.id !== action.noteId) return n;
          const { color: _, ...data } = n.data;
          return { ...n, data: action.color && action.color !== 'yellow' ? { ...data, color: action.color } : data };
        }),
      };
    case 'removeNodes': {
      const gone = new Set(action.nodeIds);
      return {
        ...state,
        nodes: state.nodes.filter((n) => !gone.has(n.id)),
        edges: state.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
        notes: state.notes.filter((n) => !gone.has(n.id)),
      };
    }
    case 'selectAll':
      return {
        ...state,
        nodes: state.nodes.map((n) => (n.selected ? n : { ...n, selected: true })),
        notes: state.notes.map((n) => (n.selected ? n : { ...n, selected: true })),
      };
    case 'setParams':
      return updateNode(state, action.nodeId, (n) => ({ ...n, data: { ...n.data, params: action.params } }));
    case 'setExecution':
      return updateNode(state, action.nodeId, (n) => ({ ...n, data: { ...n.data, execution: action.execution } }));
    case 'setLabel':
      return updateNode(state, action.nodeId, (n) => ({ ...n, data: { ...n.data, label: action.label || undefined } }));
    case 'renameNode': {
      const { nodeId, newId } = action;
      if (nodeId === newId || state.nodes.some((n) => n.id === newId)) return state;
      const nodes = state.nodes.map((n) => (n.id === nodeId ? { ...n, id: newId, ariaLabel: `Step ${newId}` } : n));
      const edges = state.edges.flatMap((e) => {
        if (e.source !== nodeId && e.target !== nodeId) return [e];
        const source = e.source === nodeId ? newId : e.source;
        const target = e.target === nodeId ? newId : e.target;
        return toFlowEdge(`${source}.${e.sourceHandle}`, `${target}.${e.targetHandle}`) ?? [];
      });
      return { ...state, nodes, edges };
    }
    case 'removeNode':
      return {
        ...state,
        nodes: state.nodes.filter((n) => n.id !== action.nodeId),
        edges: state.edges.filter((e) => e.source !== action.nodeId && e.target !== action.nodeId),
      };
    case 'select':
      return {
        ...state,
        nodes: state.nodes.map((n) => {
          const selected = n.id === action.nodeId;
          return (n.selected ?? false) === selected ? n : { ...n, selected };
        }),
        edges: state.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
        notes: unselected(state.notes),
      };
    case 'setDescription':
      return { ...state, description: action.description || undefined };
    case 'setParameters':
      return { ...state, parameters: action.parameters.length ? action.parameters : undefined };
    case 'paste': {
      const pasted = pastedNodes(action.fragment, new Set(state.nodes.map((n) => n.id)), action.offset);
      return {
        ...state,
        nodes: [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted.nodes],
        edges: [...state.edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...pasted.edges],
        notes: unselected(state.notes),
      };
    }
    case 'replace':
      return { ...state, ...action.state };
    case 'moveNodes':
      return {
        ...state,
        nodes: state.nodes.map((n) => (action.positions[n.id] ? { ...n, position: action.positions[n.id]! } : n)),
      };
  }
}
