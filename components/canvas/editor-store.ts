import { addEdge, applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react';
import { canonicalJson } from '../../workflows/core/canonical-json';
import { pastedNodes, type Fragment } from './clipboard';
import type { PipelineDocument } from '../../workflows/core/document';
import type { ParameterDeclaration } from '../../workflows/core/parameters';
import {
  connectionProblem,
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
  | { type: 'paste'; fragment: Fragment; offset: XYPosition };

export function documentOf(state: EditorState): PipelineDocument {
  return withParameters(toDocument({ name: state.name, description: state.description }, state.nodes, state.edges), state.parameters);
}

function withParameters(document: PipelineDocument, parameters: ParameterDeclaration[] | undefined): PipelineDocument {
  return parameters?.length ? { ...document, parameters } : document;
}

export function initialEditorState(document: PipelineDocument, version?: number): EditorState {
  const { nodes, edges } = fromDocument(document);
  return {
    name: document.name,
    description: document.description,
    parameters: document.parameters,
    nodes,
    edges,
    savedJson: canonicalJson(withParameters(toDocument(document, nodes, edges), document.parameters)),
    version,
  };
}

function updateNode(state: EditorState, nodeId: string, update: (n: StepFlowNode) => StepFlowNode): EditorState {
  return { ...state, nodes: state.nodes.map((n) => (n.id === nodeId ? update(n) : n)) };
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
      const step = stepsByType.get(action.stepType);
      if (!step) return state;
      const id = freshNodeId(step.type, new Set(state.nodes.map((n) => n.id)));
      const node: StepFlowNode = {
        id,
        type: 'step',
        position: action.position,
        data: { stepType: step.type, params: initialParams(step) },
        ariaLabel: `Step ${id}`,
        selected: true,
      };
      return { ...state, nodes: [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node] };
    }
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
