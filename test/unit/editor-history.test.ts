import { afterEach, describe, expect, it, vi } from 'vitest';
import { documentOf, initialEditorState } from '../../components/canvas/editor-store';
import { historyReducer, initialHistory, type EditorHistory, type HistoryAction } from '../../components/canvas/history';
import type { PipelineDocument } from '../../workflows/core/document';

const doc: PipelineDocument = {
  apiVersion: 'millrace/v1',
  name: 'history',
  nodes: [
    { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 0 } },
    { id: 'split', type: 'prepare.split', params: {}, position: { x: 280, y: 0 } },
  ],
  edges: [{ from: 'load.table', to: 'split.table' }],
};

const run = (h: EditorHistory, ...actions: HistoryAction[]) => actions.reduce(historyReducer, h);
const ids = (h: EditorHistory) => documentOf(h.present).nodes.map((n) => n.id);

afterEach(() => {
  vi.useRealTimers();
});

describe('editor history', () => {
  it('undoes and redoes each edit, keeping what was saved as the baseline', () => {
    const start = initialHistory(initialEditorState(doc, 3));
    let h = run(start, { type: 'addStep', stepType: 'train.random_forest', position: { x: 560, y: 0 } }, { type: 'removeNode', nodeId: 'load' });
    expect(ids(h)).toEqual(['split', 'random_forest']);
    h = run(h, { type: 'undo' });
    expect(ids(h)).toEqual(['load', 'split', 'random_forest']);
    h = run(h, { type: 'undo' });
    expect(documentOf(h.present)).toEqual(doc);
    expect(h.present.savedJson).toBe(start.present.savedJson);
    h = run(h, { type: 'undo' }); // nothing more to undo
    expect(h.past).toHaveLength(0);
    h = run(h, { type: 'redo' }, { type: 'redo' });
    expect(ids(h)).toEqual(['split', 'random_forest']);
    // A new edit after undoing drops what could have been redone.
    h = run(h, { type: 'undo' }, { type: 'setDescription', description: 'x' });
    expect(h.future).toHaveLength(0);
  });

  it('does not record selection, and makes a burst of the same edit one step', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    let h = initialHistory(initialEditorState(doc, 1));
    h = run(h, { type: 'select', nodeId: 'split' });
    expect(h.past).toHaveLength(0);
    for (const x of [10, 20, 30, 40]) {
      h = run(h, { type: 'nodesChanged', changes: [{ type: 'position', id: 'split', position: { x: 280 + x, y: 0 }, dragging: true }] });
      vi.advanceTimersByTime(16);
    }
    for (const dataset of ['p', 'pe', 'pen']) h = run(h, { type: 'setParams', nodeId: 'load', params: { dataset } });
    expect(h.past).toHaveLength(2); // the drag, the typing
    h = run(h, { type: 'undo' });
    expect(documentOf(h.present).nodes[0]!.params).toEqual({ dataset: 'penguins' });
    expect(documentOf(h.present).nodes[1]!.position).toEqual({ x: 320, y: 0 });
    h = run(h, { type: 'undo' });
    expect(documentOf(h.present).nodes[1]!.position).toEqual({ x: 280, y: 0 });
    // The same field typed into again after a pause is a step of its own.
    vi.advanceTimersByTime(5000);
    h = run(h, { type: 'setParams', nodeId: 'load', params: { dataset: 'a' } });
    vi.advanceTimersByTime(5000);
    h = run(h, { type: 'setParams', nodeId: 'load', params: { dataset: 'ab' } });
    expect(h.past).toHaveLength(2);
  });
});
