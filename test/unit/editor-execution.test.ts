import { describe, expect, it } from 'vitest';
import { documentOf, editorReducer, initialEditorState } from '../../components/canvas/editor-store';
import type { PipelineDocument } from '../../workflows/core/document';

const doc: PipelineDocument = {
  apiVersion: 'millrace/v1',
  name: 'keeps-settings',
  nodes: [
    { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 0 } },
    { id: 'split', type: 'prepare.split', params: {}, position: { x: 280, y: 0 }, retry: { maximumAttempts: 5 }, timeoutSeconds: 120, cache: false },
  ],
  edges: [{ from: 'load.table', to: 'split.table' }],
};

describe('editor: a node’s advanced settings', () => {
  it('survive loading and saving unchanged', () => {
    expect(documentOf(initialEditorState(doc, 1))).toEqual(doc);
  });

  it('are set and cleared through the store, leaving nothing behind when back to the defaults', () => {
    let state = initialEditorState(doc, 1);
    state = editorReducer(state, { type: 'setExecution', nodeId: 'load', execution: { retry: { initialIntervalSeconds: 3 } } });
    expect(documentOf(state).nodes[0]).toMatchObject({ id: 'load', retry: { initialIntervalSeconds: 3 } });
    state = editorReducer(state, { type: 'setExecution', nodeId: 'split', execution: {} });
    expect(documentOf(state).nodes[1]).toEqual({ id: 'split', type: 'prepare.split', params: {}, position: { x: 280, y: 0 } });
  });
});

describe('editor: replacing the graph at once', () => {
  it('puts an earlier graph back and keeps the saved baseline, so the document counts as unchanged again', () => {
    const start = initialEditorState(doc, 1);
    const edited = editorReducer(start, { type: 'removeNode', nodeId: 'split' });
    expect(documentOf(edited).nodes).toHaveLength(1);
    const back = editorReducer(edited, { type: 'replace', state: { nodes: start.nodes, edges: start.edges } });
    expect(documentOf(back)).toEqual(doc);
    expect(back.savedJson).toBe(start.savedJson);
    expect(back.version).toBe(1);
  });
});
