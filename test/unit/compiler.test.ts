import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../workflows/steps/catalog';
import { compilePipeline, makeDatasetLookup } from '../../workflows/core/compiler';
import { makeSqlLookup, sqlRequestKey } from '../../workflows/core/sql';
import { DEFAULT_DOCUMENT_LIMITS, checkJsonText, jsonTextDepth } from '../../workflows/core/limits';

const example = JSON.parse(fs.readFileSync(path.resolve('server/examples/penguin-species.json'), 'utf8'));
const golden = (name: string) => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'golden', name), 'utf8'));
const clone = () => structuredClone(example);

describe('compilePipeline', () => {
  it('compiles the example into the golden plan (defaults filled, dependency order, content hash)', () => {
    const result = compilePipeline(example, catalog);
    expect(result.ok).toBe(true);
    expect(result.ok && result.plan).toEqual(golden('penguin-species.plan.json'));
  });

  it('is independent of node order in the document and of editor-only fields', () => {
    const doc = clone();
    doc.nodes.reverse();
    doc.nodes[0].position = { x: 5, y: 5 };
    doc.nodes[0].label = 'renamed';
    const a = compilePipeline(example, catalog);
    const b = compilePipeline(doc, catalog);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(b.plan.hash).toBe(a.plan.hash);
      expect(b.plan.steps.map((s) => s.id)).toEqual(['load', 'split', 'train', 'eval', 'gate', 'ship']);
    }
  });

  it('changes the hash when a parameter changes', () => {
    const doc = clone();
    doc.nodes.find((n: any) => n.id === 'train').params.trees = 101;
    const a = compilePipeline(example, catalog);
    const b = compilePipeline(doc, catalog);
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
    const result = compilePipeline(doc, catalog);
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
    expect(compilePipeline(doc, catalog).ok).toBe(true);
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
    const result = compilePipeline(doc, catalog);
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => [e.code, e.nodeId])).toEqual([
      ['cycle', 's1'],
      ['cycle', 's2'],
      ['unreachable', 'fit'],
    ]);
  });

  it('reports document shape errors with their path', () => {
    const result = compilePipeline({ apiVersion: 'millrace/v2', name: 'Bad Name', nodes: [{ id: 'a.b', type: 'x' }] }, catalog);
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => e.path)).toEqual(['apiVersion', 'name', 'id']);
    expect(result.errors[2]!.nodeId).toBe('a.b');
    expect(compilePipeline('nonsense', catalog).ok).toBe(false);
    expect(compilePipeline(null, catalog).ok).toBe(false);
  });

  it('refuses unknown parameters and unknown fields, addressed to node and path', () => {
    const doc = clone();
    doc.nodes.find((n: any) => n.id === 'train').params.tress = 50;
    doc.nodes.find((n: any) => n.id === 'gate').params.rules[0].treshold = 1;
    doc.nodes.find((n: any) => n.id === 'split').colour = 'red';
    doc.owner = 'someone';
    const result = compilePipeline(doc, catalog);
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => [e.code, e.nodeId, e.path, e.message])).toEqual([
      ['invalid_document', 'split', 'colour', 'Unknown field "colour"'],
      ['invalid_document', undefined, 'owner', 'Unknown field "owner"'],
    ]);
    delete doc.owner;
    delete doc.nodes.find((n: any) => n.id === 'split').colour;
    const params = compilePipeline(doc, catalog);
    expect(params.errors.map((e) => [e.code, e.nodeId, e.path, e.message])).toEqual([
      ['invalid_params', 'train', 'params.tress', 'Unknown parameter "tress"'],
      ['invalid_params', 'gate', 'params.rules.0.treshold', 'Unknown parameter "treshold"'],
    ]);
  });

  it('says what type was expected and what was given', () => {
    const doc = clone();
    doc.nodes.find((n: any) => n.id === 'train').params.target = 42;
    doc.nodes.find((n: any) => n.id === 'split').params.seed = 'seven';
    const result = compilePipeline(doc, catalog);
    expect(result.errors.map((e) => [e.nodeId, e.path, e.message])).toEqual([
      ['split', 'params.seed', 'seed must be a number, got the text "seven"'],
      ['train', 'params.target', 'target must be text, got number 42'],
    ]);
    delete doc.nodes.find((n: any) => n.id === 'train').params.target;
    expect(compilePipeline(doc, catalog).errors.find((e) => e.nodeId === 'train')?.message).toBe('target is required');
  });
});

const penguinColumns = [
  { name: 'Species', type: 'VARCHAR' },
  { name: 'Island', type: 'VARCHAR' },
  { name: 'Beak Length (mm)', type: 'DOUBLE' },
  { name: 'Beak Depth (mm)', type: 'DOUBLE' },
  { name: 'Flipper Length (mm)', type: 'BIGINT' },
  { name: 'Body Mass (g)', type: 'BIGINT' },
  { name: 'Sex', type: 'VARCHAR' },
];
const datasets = makeDatasetLookup([
  { name: 'penguins', version: 1, columns: penguinColumns },
  { name: 'penguins', version: 2, columns: penguinColumns.filter((c) => c.name !== 'Sex') },
]);

describe('design-time schemas', () => {
  it('propagates dataset columns through the graph and records each output schema in the plan', () => {
    const result = compilePipeline(example, catalog, { datasets });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const withoutSex = penguinColumns.filter((c) => c.name !== 'Sex');
    expect(result.schemas.train!.inputs.table).toEqual(withoutSex);
    const split = result.plan.steps.find((s) => s.id === 'split')!;
    expect(split.outputSchemas).toEqual({ train: withoutSex, test: withoutSex });
    // A pinned version brings that version's columns.
    const pinned = clone();
    pinned.nodes.find((n: any) => n.id === 'load').params.version = 1;
    const r1 = compilePipeline(pinned, catalog, { datasets });
    expect(r1.ok && r1.schemas.split!.outputs.test).toEqual(penguinColumns);
  });

  it('reports a column that does not exist after the upstream node, on the parameter path', () => {
    const doc = clone();
    doc.nodes.find((n: any) => n.id === 'train').params.features = ['Island', 'Sex'];
    const result = compilePipeline(doc, catalog, { datasets });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      {
        code: 'unknown_column',
        nodeId: 'train',
        path: 'params.features.1',
        message: expect.stringMatching(/^Column "Sex" does not exist after "split" \(columns: "Species", "Island"/),
      },
    ]);
  });

  it('refuses a text column as the target of a linear regression', () => {
    const doc = clone();
    doc.nodes.find((n: any) => n.id === 'train').type = 'train.linear_regression';
    doc.nodes.find((n: any) => n.id === 'train').params = { target: 'Island' };
    const result = compilePipeline(doc, catalog, { datasets });
    expect(result.errors.map((e) => [e.code, e.nodeId, e.path, e.message])).toEqual([
      ['column_type', 'train', 'params.target', '"Island" is text (VARCHAR); the target of a linear regression must be numeric'],
    ]);
  });

  it('warns about a missing dataset when saving and refuses it when running', () => {
    const doc = clone();
    doc.nodes.find((n: any) => n.id === 'load').params.dataset = 'puffins';
    const saved = compilePipeline(doc, catalog, { datasets, mode: 'save' });
    expect(saved.ok).toBe(true);
    expect(saved.warnings.map((w) => [w.code, w.nodeId, w.path, w.message])).toEqual([
      ['missing_dataset', 'load', 'params.dataset', 'Dataset "puffins" does not exist'],
    ]);
    const run = compilePipeline(doc, catalog, { datasets, mode: 'run' });
    expect(run.ok).toBe(false);
    expect(run.errors[0]!.code).toBe('missing_dataset');
    // Without dataset information (the CLI's offline check) datasets are not judged.
    expect(compilePipeline(doc, catalog).warnings).toEqual([]);
  });
  it('asks for the SQL it cannot describe itself, and uses the answers it is given', () => {
    // Answers written by hand: this is the compiler's part only (DuckDB's is tested with the SQL steps).
    const doc = clone();
    doc.nodes.push({ id: 'q', type: 'prepare.sql', params: { sql: 'SELECT Species, Island FROM input' } });
    doc.nodes.find((n: any) => n.id === 'train').params.features = ['Island', 'Body Mass (g)'];
    doc.edges = doc.edges.filter((e: any) => e.to !== 'split.table');
    doc.edges.push({ from: 'load.table', to: 'q.input' }, { from: 'q.table', to: 'split.table' });
    const pending = compilePipeline(doc, catalog, { datasets });
    // Undescribed SQL leaves its output unknown: later steps are not judged yet.
    expect(pending.ok).toBe(true);
    expect(pending.pendingSql).toEqual([{ sql: 'SELECT Species, Island FROM input', tables: { input: penguinColumns.filter((c) => c.name !== 'Sex') } }]);
    expect(pending.schemas.split!.inputs.table).toBeUndefined();
    const key = sqlRequestKey(pending.pendingSql[0]!);
    const narrow = [
      { name: 'Species', type: 'VARCHAR' },
      { name: 'Island', type: 'VARCHAR' },
    ];
    const answered = compilePipeline(doc, catalog, { datasets, sql: makeSqlLookup([[key, { ok: true, columns: narrow }]]) });
    expect(answered.pendingSql).toEqual([]);
    expect(answered.schemas.split!.inputs.table).toEqual(narrow);
    // …so the train step's features are now checked against the query's columns.
    expect(answered.errors.map((e) => [e.code, e.nodeId, e.path])).toEqual([['unknown_column', 'train', 'params.features.1']]);
    const failed = compilePipeline(doc, catalog, { datasets, sql: (k) => (k === key ? { ok: false, message: 'Syntax error at or near "FORM"', position: 9 } : undefined) });
    expect(failed.errors).toEqual([{ code: 'invalid_sql', nodeId: 'q', path: 'params.sql', message: 'Syntax error at or near "FORM"', position: 9 }]);
  });
});

describe('limits', () => {
  const chain = (n: number, cyclic: boolean) => ({
    apiVersion: 'millrace/v1',
    name: 'big',
    nodes: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, type: 'prepare.split' })),
    edges: Array.from({ length: cyclic ? n : n - 1 }, (_, i) => ({ from: `s${i}.train`, to: `s${(i + 1) % n}.table` })),
  });

  it('compiles a 10,000-node cycle, naming every node on it', () => {
    const result = compilePipeline(chain(10_000, true), catalog);
    expect(result.ok).toBe(false);
    expect(result.errors.length).toBe(10_000);
    expect(new Set(result.errors.map((e) => e.code))).toEqual(new Set(['cycle']));
  });

  it('refuses documents beyond the node, depth and string limits with a clear error', () => {
    const limits = { ...DEFAULT_DOCUMENT_LIMITS, maxNodes: 100, maxDepth: 8, maxStringLength: 1000 };
    const many = compilePipeline(chain(101, false), catalog, { limits });
    expect(many.errors).toEqual([{ code: 'too_large', path: 'nodes', message: 'The document has 101 nodes; at most 100 are accepted' }]);

    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const doc = clone();
    doc.nodes[0].params.extra = deep;
    const nested = compilePipeline(doc, catalog, { limits });
    expect(nested.errors[0]).toMatchObject({ code: 'too_large', message: 'The document is nested deeper than 8 levels' });

    const long = clone();
    long.nodes[0].notes = 'x'.repeat(1001);
    expect(compilePipeline(long, catalog, { limits }).errors[0]).toMatchObject({ code: 'too_large', path: 'nodes.0.notes' });
  });

  it('measures the nesting of JSON text without parsing it', () => {
    expect(jsonTextDepth('{"a":[1,{"b":"[[[["}]}')).toBe(3);
    expect(jsonTextDepth('['.repeat(100_000))).toBe(100_000);
    expect(checkJsonText('['.repeat(100), 100, DEFAULT_DOCUMENT_LIMITS)?.status).toBe(422);
    expect(checkJsonText('{}', 10_000_000, DEFAULT_DOCUMENT_LIMITS)?.status).toBe(413);
  });
});
