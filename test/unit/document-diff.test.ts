import { describe, expect, it } from 'vitest';
import type { PipelineDocument } from '../../workflows/core/document';
import { describeDiff, diffDocuments, formatDiffValue, isEmptyDiff } from '../../workflows/core/document-diff';

const base: PipelineDocument = {
  apiVersion: 'millrace/v1',
  name: 'penguins',
  nodes: [
    { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 0 } },
    { id: 'split', type: 'prepare.split', params: { testFraction: 0.2, seed: 7 }, position: { x: 300, y: 0 } },
    { id: 'train', type: 'train.random_forest', params: { target: 'Species', trees: 50 }, position: { x: 600, y: 0 } },
    { id: 'gate', type: 'validate.gate', params: { rules: [{ metric: 'accuracy', op: '>=', value: 0.9 }] } },
  ],
  edges: [
    { from: 'load.table', to: 'split.table' },
    { from: 'split.train', to: 'train.table' },
  ],
};

const edit = (change: (doc: PipelineDocument) => void): PipelineDocument => {
  const doc = structuredClone(base);
  change(doc);
  return doc;
};
const lines = (a: PipelineDocument, b: PipelineDocument) => describeDiff(diffDocuments(a, b)).map((l) => l.text);

describe('diffDocuments', () => {
  it('finds nothing between a document and itself', () => {
    expect(isEmptyDiff(diffDocuments(base, structuredClone(base)))).toBe(true);
  });

  it('ignores positions: moving a step is no change', () => {
    const moved = edit((d) => {
      d.nodes[0]!.position = { x: 999, y: 42 };
      delete d.nodes[1]!.position;
    });
    expect(isEmptyDiff(diffDocuments(base, moved))).toBe(true);
  });

  it('reports a changed parameter with its old and new value', () => {
    const diff = diffDocuments(base, edit((d) => (d.nodes[2]!.params.trees = 60)));
    expect(diff.changedNodes).toEqual([{ id: 'train', type: 'train.random_forest', changes: [{ path: 'params.trees', before: 50, after: 60 }] }]);
    expect(describeDiff(diff)).toEqual([{ kind: 'changed', text: 'changed train.trees: 50 → 60', nodeId: 'train' }]);
  });

  it('reports parameters set and cleared, and values inside lists by their index', () => {
    const after = edit((d) => {
      d.nodes[2]!.params.maxDepth = 8;
      delete d.nodes[1]!.params.seed;
      (d.nodes[3]!.params.rules as { value: number }[])[0]!.value = 0.95;
    });
    expect(lines(base, after)).toEqual([
      'removed split.seed (was 7)',
      'added train.maxDepth: 8',
      'changed gate.rules.0.value: 0.9 → 0.95',
    ]);
  });

  it('quotes text and shows a parameter reference as JSON', () => {
    const after = edit((d) => {
      d.nodes[2]!.params.target = 'Island';
      d.nodes[1]!.params.testFraction = { $param: 'fraction' };
    });
    expect(lines(base, after)).toEqual(['changed split.testFraction: 0.2 → {"$param":"fraction"}', 'changed train.target: "Species" → "Island"']);
  });

  it('reports added and removed steps and connections; a renamed step is one removed and one added', () => {
    const after = edit((d) => {
      d.nodes = d.nodes.filter((n) => n.id !== 'gate');
      d.nodes.push({ id: 'eval', type: 'validate.evaluate', params: {} });
      d.nodes[2]!.id = 'forest';
      d.edges = [
        { from: 'load.table', to: 'split.table' },
        { from: 'split.train', to: 'forest.table' },
        { from: 'forest.model', to: 'eval.model' },
      ];
    });
    const diff = diffDocuments(base, after);
    expect(diff.addedNodes.map((n) => n.id)).toEqual(['forest', 'eval']);
    expect(diff.removedNodes.map((n) => n.id)).toEqual(['train', 'gate']);
    expect(diff.changedNodes).toEqual([]);
    expect(diff.addedEdges).toEqual([
      { from: 'split.train', to: 'forest.table' },
      { from: 'forest.model', to: 'eval.model' },
    ]);
    expect(diff.removedEdges).toEqual([{ from: 'split.train', to: 'train.table' }]);
    expect(lines(base, after)).toEqual([
      'added step forest (train.random_forest)',
      'added step eval (validate.evaluate)',
      'removed step train (train.random_forest)',
      'removed step gate (validate.gate)',
      'added connection split.train → forest.table',
      'added connection forest.model → eval.model',
      'removed connection split.train → train.table',
    ]);
  });

  it('reports label, notes, type and execution settings of a step', () => {
    const after = edit((d) => {
      d.nodes[2]!.label = 'Big forest';
      d.nodes[2]!.notes = 'more trees';
      d.nodes[0]!.retry = { maximumAttempts: 5 };
      d.nodes[1]!.type = 'prepare.split_v2';
    });
    expect(lines(base, after)).toEqual([
      'added load retry: {"maximumAttempts":5}',
      'changed split type: "prepare.split" → "prepare.split_v2"',
      'added train label: "Big forest"',
      'added train notes: "more trees"',
    ]);
    const relabelled = edit((d) => (d.nodes[2]!.label = 'Forest'));
    expect(lines(after, relabelled)).toEqual([
      'removed load retry (was {"maximumAttempts":5})',
      'changed split type: "prepare.split_v2" → "prepare.split"',
      'changed train label: "Big forest" → "Forest"',
      'removed train notes (was "more trees")',
    ]);
  });

  it('reports the description and pipeline parameters, matched by name whatever their order', () => {
    const withParams = edit((d) => {
      d.parameters = [
        { name: 'fraction', type: 'number', default: 0.2 },
        { name: 'target', type: 'string', default: 'Species' },
      ];
    });
    const after = edit((d) => {
      d.description = 'Penguins by species';
      d.parameters = [
        { name: 'target', type: 'string', default: 'Species' },
        { name: 'fraction', type: 'number', default: 0.25 },
      ];
    });
    expect(lines(withParams, after)).toEqual(['added description: "Penguins by species"', 'changed pipeline parameter fraction.default: 0.2 → 0.25']);
  });

  it('reports the canvas notes by their text; moving or recolouring one is no change', () => {
    const withNotes = edit((d) => {
      d.notes = [
        { id: 'n1', text: 'Check the split', position: { x: 0, y: 0 } },
        { id: 'n2', text: 'Old idea', position: { x: 0, y: 200 } },
      ];
    });
    const after = edit((d) => {
      d.notes = [
        { id: 'n1', text: 'Check the split first', position: { x: 400, y: 90 }, color: 'blue' },
        { id: 'n3', text: 'Ask Ana', position: { x: 0, y: 300 } },
      ];
    });
    expect(lines(withNotes, after)).toEqual([
      'changed canvas note n1: "Check the split" → "Check the split first"',
      'removed canvas note n2 (was "Old idea")',
      'added canvas note n3: "Ask Ana"',
    ]);
    const moved = edit((d) => {
      d.notes = withNotes.notes!.map((n) => ({ ...n, position: { x: n.position.x + 50, y: n.position.y } }));
    });
    expect(lines(withNotes, moved)).toEqual([]);
  });

  it('shortens long values', () => {
    expect(formatDiffValue('x'.repeat(200))).toHaveLength(80);
    expect(formatDiffValue(true)).toBe('true');
  });
});
