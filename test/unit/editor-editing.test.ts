import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { menuItemsFor, type CanvasActions } from '../../components/canvas/context-menu-items';
import { documentOf, initialEditorState } from '../../components/canvas/editor-store';
import { edgeInsertion, fromDocument } from '../../components/canvas/graph-model';
import { historyReducer, initialHistory, type EditorHistory, type HistoryAction } from '../../components/canvas/history';
import { compilePipeline } from '../../workflows/core/compiler';
import { pipelineDocumentSchema, type PipelineDocument } from '../../workflows/core/document';
import { catalog } from '../../workflows/steps/catalog';

const example = JSON.parse(fs.readFileSync(path.resolve('server/examples/penguin-species.json'), 'utf8')) as PipelineDocument;
const notes = [
  { id: 'n1', text: 'Why a forest: the species are not linearly separable', position: { x: 10, y: -150 } },
  { id: 'n2', text: 'Gate at 0.9', position: { x: 900, y: -150 }, size: { width: 300, height: 90 }, color: 'blue' as const },
];

const doc: PipelineDocument = {
  apiVersion: 'millrace/v1',
  name: 'editing',
  nodes: [
    { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 0 } },
    { id: 'split', type: 'prepare.split', params: {}, position: { x: 560, y: 0 } },
    { id: 'tree', type: 'train.decision_tree', params: {}, position: { x: 280, y: 300 } },
  ],
  edges: [{ from: 'load.table', to: 'split.table' }],
};
const run = (h: EditorHistory, ...actions: HistoryAction[]) => actions.reduce(historyReducer, h);
const edgesOf = (h: EditorHistory) => documentOf(h.present).edges.map((e) => `${e.from}>${e.to}`);

describe('sticky notes in the document', () => {
  it('do not change what compiles nor the plan hash', () => {
    const a = compilePipeline(example, catalog);
    const b = compilePipeline({ ...example, notes }, catalog);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(b.plan).toEqual(a.plan);
      expect(b.plan.hash).toBe(a.plan.hash);
    }
  });

  it('are checked: unique ids, limits, no unknown fields', () => {
    expect(pipelineDocumentSchema.safeParse({ ...example, notes }).success).toBe(true);
    const dup = pipelineDocumentSchema.safeParse({ ...example, notes: [notes[0], { ...notes[1], id: 'n1' }] });
    expect(dup.success).toBe(false);
    expect(dup.error?.issues[0]?.message).toBe('Two notes have the same id');
    const long = pipelineDocumentSchema.safeParse({ ...example, notes: [{ ...notes[0], text: 'x'.repeat(10001) }] });
    expect(long.error?.issues[0]?.message).toBe('A note holds at most 10000 characters');
    expect(pipelineDocumentSchema.safeParse({ ...example, notes: [{ ...notes[0], author: 'me' }] }).success).toBe(false);
    const bad = compilePipeline({ ...example, notes: [{ ...notes[0], size: { width: 5, height: 50 } }] }, catalog);
    expect(bad.ok).toBe(false);
    expect(bad.errors[0]).toMatchObject({ path: 'notes.0.size.width', message: 'A note is at least 80 wide' });
  });

  it('round-trip through the editor store, and adding, typing and resizing are undoable', () => {
    const withNotes = { ...doc, notes };
    const start = initialHistory(initialEditorState(withNotes, 1));
    expect(documentOf(start.present)).toEqual(withNotes);
    let h = run(start, { type: 'addNote', position: { x: 5, y: 6 } });
    expect(documentOf(h.present).notes?.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    h = run(h, { type: 'setNoteText', noteId: 'note:n3', text: 'h' }, { type: 'setNoteText', noteId: 'note:n3', text: 'hi' });
    expect(documentOf(h.present).notes?.[2]).toEqual({ id: 'n3', text: 'hi', position: { x: 5, y: 6 } });
    // React Flow measuring a note is not an edit; a resize is.
    h = run(h, { type: 'notesChanged', changes: [{ id: 'note:n3', type: 'dimensions', dimensions: { width: 220, height: 120 } }] });
    expect(h.past).toHaveLength(2);
    h = run(h, { type: 'notesChanged', changes: [{ id: 'note:n3', type: 'dimensions', dimensions: { width: 400, height: 200 }, setAttributes: true, resizing: true }] });
    expect(documentOf(h.present).notes?.[2]?.size).toEqual({ width: 400, height: 200 });
    h = run(h, { type: 'setNoteColor', noteId: 'note:n3', color: 'green' });
    expect(documentOf(h.present).notes?.[2]?.color).toBe('green');
    h = run(h, { type: 'undo' }, { type: 'undo' }, { type: 'undo' });
    expect(documentOf(h.present).notes?.[2]?.text).toBe('');
    h = run(h, { type: 'undo' });
    expect(documentOf(h.present)).toEqual(withNotes);
  });
});

describe('putting a step into an edge', () => {
  const { nodes, edges } = fromDocument(doc);
  const edge = edges[0]!;

  it('fits when the step takes and gives the edge\'s port types', () => {
    const filter = { id: 'filter', type: 'step' as const, position: { x: 0, y: 0 }, data: { stepType: 'prepare.filter', params: {} } };
    expect(edgeInsertion(edge, filter, nodes, edges)).toEqual({ input: 'table', output: 'table' });
  });

  it('says why not otherwise', () => {
    const tree = nodes.find((n) => n.id === 'tree')!;
    expect(edgeInsertion(edge, tree, nodes, edges)).toEqual({ problem: 'Decision tree has no table output to feed "Table" of split.' });
    const gate = { id: 'g', type: 'step' as const, position: { x: 0, y: 0 }, data: { stepType: 'validate.gate', params: {} } };
    expect(edgeInsertion(edge, gate, nodes, edges).problem).toMatch(/^Quality gate has no table input/);
  });

  it('from the palette: a→new→b in one undo step; a step that does not fit is only added', () => {
    const start = initialHistory(initialEditorState(doc));
    let h = run(start, { type: 'insertOnEdge', edgeId: edge.id, stepType: 'prepare.filter', position: { x: 280, y: 0 } });
    expect(edgesOf(h)).toEqual(['load.table>filter.table', 'filter.table>split.table']);
    expect(h.past).toHaveLength(1);
    h = run(h, { type: 'undo' });
    expect(documentOf(h.present)).toEqual(doc);
    h = run(start, { type: 'insertOnEdge', edgeId: edge.id, stepType: 'validate.gate', position: { x: 280, y: 0 } });
    expect(edgesOf(h)).toEqual(['load.table>split.table']);
    expect(documentOf(h.present).nodes.map((n) => n.id)).toEqual(['load', 'split', 'tree', 'gate']);
  });

  it('a dragged step: the drag and the insertion undo together', () => {
    const start = initialHistory(initialEditorState({ ...doc, nodes: [...doc.nodes, { id: 'rows', type: 'prepare.sample', params: {}, position: { x: 0, y: 500 } }] }));
    const h = run(
      start,
      { type: 'nodesChanged', changes: [{ id: 'rows', type: 'position', position: { x: 200, y: 200 }, dragging: true }] },
      { type: 'nodesChanged', changes: [{ id: 'rows', type: 'position', position: { x: 280, y: 10 }, dragging: true }] },
      { type: 'insertOnEdge', edgeId: edge.id, nodeId: 'rows', position: { x: 280, y: 10 } },
    );
    expect(edgesOf(h)).toEqual(['load.table>rows.table', 'rows.table>split.table']);
    expect(h.past).toHaveLength(1);
    expect(documentOf(run(h, { type: 'undo' }).present)).toEqual(documentOf(start.present));
  });
});

describe('the right-click menus', () => {
  it('offer per target what the list says, in its order', () => {
    const labels = (t: Parameters<typeof menuItemsFor>[0]) => menuItemsFor(t).map((i) => i.label);
    expect(labels({ kind: 'step', nodeId: 'a' })).toEqual(['Rename', 'Duplicate', 'Copy', 'Preview up to here', 'Add a note', 'Delete']);
    expect(labels({ kind: 'selection', nodeIds: ['a', 'b'] })).toEqual(['Duplicate', 'Copy', 'Delete']);
    expect(labels({ kind: 'pane', at: { x: 0, y: 0 } })).toEqual(['Paste', 'Add a step here', 'Add a note', 'Auto layout', 'Select all', 'Fit view']);
  });

  it('run the editor action with the target', () => {
    const calls: unknown[] = [];
    const actions = new Proxy({} as CanvasActions, {
      get: (_, name) => (name === 'canPaste' ? () => false : (...args: unknown[]) => calls.push([name, ...args])),
    });
    const target = { kind: 'selection' as const, nodeIds: ['a', 'b'] };
    for (const item of menuItemsFor(target)) item.run(target, actions);
    expect(calls).toEqual([['duplicate', ['a', 'b']], ['copy', ['a', 'b']], ['remove', ['a', 'b']]]);
    const paste = menuItemsFor({ kind: 'pane', at: { x: 1, y: 2 } })[0]!;
    expect(paste.unavailable?.({ kind: 'pane', at: { x: 1, y: 2 } }, actions)).toBe('Nothing copied yet');
  });
});
