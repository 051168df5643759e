import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../workflows/catalog';
import { compilePipeline } from '../../workflows/compiler';

const example = JSON.parse(fs.readFileSync(path.resolve('server/examples/penguin-species.json'), 'utf8'));
const golden = (name: string) => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'golden', name), 'utf8'));
const clone = () => structuredClone(example);

describe('compilePipeline', () => {
  it('compiles the example into the golden plan (defaults filled, dependency order, content hash)', () => {
    const result = compilePipeline(example);
    expect(result.ok).toBe(true);
    expect(result.ok && result.plan).toEqual(golden('penguin-species.plan.json'));
  });

  it('is independent of node order in the document and of editor-only fields', () => {
    const doc = clone();
    doc.nodes.reverse();
    doc.nodes[0].position = { x: 5, y: 5 };
    doc.nodes[0].label = 'renamed';
    const a = compilePipeline(example);
    const b = compilePipeline(doc);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(b.plan.hash).toBe(a.plan.hash);
      expect(b.plan.steps.map((s) => s.id)).toEqual(['load', 'split', 'train', 'eval', 'gate', 'ship']);
    }
  });

  it('changes the hash when a parameter changes', () => {
    const doc = clone();
    doc.nodes.find((n: any) => n.id === 'train').params.trees = 101;
    const a = compilePipeline(example);
    const b = compilePipeline(doc);
    expect(a.ok && b.ok && a.plan.hash !== b.plan.hash).toBe(true);
  });

  it('reports every kind of error against the node, edge or path it concerns (golden errors)', () => {
    const doc = clone();
    doc.nodes.find((n: any) => n.id === 'split').params.testFraction = 2;
    doc.nodes.find((n: any) => n.id === 'gate').params.rules[0].op = '=~';
    doc.nodes.push({ id: 'load', type: 'ingest.dataset', params: { dataset: 'x' } });
    doc.nodes.push({ id: 'odd', type: 'train.telepathy' });
    doc.nodes.push({ id: 'lr', type: 'train.linear_regression', params: {} });
    doc.edges.push({ from: 'load.table', to: 'eval.model' });
    doc.edges.push({ from: 'ghost.table', to: 'lr.table' });
    doc.edges.push({ from: 'load.rows', to: 'lr.table' });
    doc.edges.push({ from: 'split.test', to: 'eval.table' });
    doc.edges.push({ from: 'nodot', to: 'lr.table' });
    const result = compilePipeline(doc);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual(golden('broken.errors.json'));
  });

  it('accepts one output feeding several inputs (no false cycle)', () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'loop',
      nodes: [
        { id: 'a', type: 'validate.gate', params: { rules: [{ metric: 'accuracy', value: 1 }] } },
        { id: 'b', type: 'validate.evaluate' },
        { id: 'c', type: 'validate.gate', params: { rules: [{ metric: 'accuracy', value: 1 }] } },
        { id: 'src', type: 'ingest.dataset', params: { dataset: 'd' } },
        { id: 'fit', type: 'train.random_forest', params: { target: 't' } },
        { id: 'ship', type: 'deploy.endpoint', params: { endpoint: 'e' } },
      ],
      edges: [
        { from: 'b.metrics', to: 'a.metrics' },
        { from: 'a.pass', to: 'ship.after' },
        { from: 'src.table', to: 'fit.table' },
        { from: 'fit.model', to: 'b.model' },
        { from: 'src.table', to: 'b.table' },
        { from: 'fit.model', to: 'ship.model' },
        { from: 'b.metrics', to: 'c.metrics' },
      ],
    };
    // No cycle yet: b feeds a and c.
    expect(compilePipeline(doc).ok).toBe(true);
  });

  it('refuses a cycle, marking the nodes on it and those downstream', () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'loop',
      nodes: [
        { id: 'src', type: 'ingest.dataset', params: { dataset: 'd' } },
        { id: 's1', type: 'prepare.split' },
        { id: 's2', type: 'prepare.split' },
        { id: 'fit', type: 'train.random_forest', params: { target: 't' } },
      ],
      edges: [
        { from: 's2.train', to: 's1.table' },
        { from: 's1.train', to: 's2.table' },
        { from: 's2.test', to: 'fit.table' },
      ],
    };
    const result = compilePipeline(doc);
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => [e.code, e.nodeId])).toEqual([
      ['cycle', 's1'],
      ['cycle', 's2'],
      ['unreachable', 'fit'],
    ]);
  });

  it('reports document shape errors with their path', () => {
    const result = compilePipeline({ apiVersion: 'millrace/v2', name: 'Bad Name', nodes: [{ id: 'a.b', type: 'x' }] });
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => e.path)).toEqual(['apiVersion', 'name', 'id']);
    expect(result.errors[2]!.nodeId).toBe('a.b');
    expect(compilePipeline('nonsense').ok).toBe(false);
    expect(compilePipeline(null).ok).toBe(false);
  });

  it('knows every step type of the catalog', () => {
    expect(Object.keys(catalog).sort()).toEqual([
      'deploy.endpoint',
      'ingest.dataset',
      'prepare.split',
      'train.linear_regression',
      'train.logistic_regression',
      'train.random_forest',
      'validate.evaluate',
      'validate.gate',
    ]);
  });
});
