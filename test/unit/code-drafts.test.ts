import { describe, expect, it } from 'vitest';
import { documentJsonSchema } from '../../components/code/document-json-schema';
import { compileErrorRanges, documentText, readPaneText } from '../../components/code/document-text';
import { draftBaseNote, readDraft, removeDraft, writeDraft } from '../../components/canvas/draft-storage';
import { rangeOfPath, readJson } from '../../components/code/json-locations';
import { compilePipeline } from '../../workflows/core/compiler';
import type { PipelineDocument } from '../../workflows/core/document';
import { catalog } from '../../workflows/steps/catalog';

const doc: PipelineDocument = {
  apiVersion: 'millrace/v1',
  name: 'p',
  nodes: [
    { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 0 } },
    { id: 'split', type: 'prepare.split', params: { testFraction: 0.2 }, position: { x: 300, y: 0 } },
  ],
  edges: [{ from: 'load.table', to: 'split.table' }],
};

describe('reading JSON with places', () => {
  it('reads what JSON.parse reads', () => {
    const text = '{"a": [1, -2.5e3, "x\\n\\u0041", true, null, {}], "b": {"c": false}}';
    const read = readJson(text);
    expect(read.ok && read.value).toEqual(JSON.parse(text));
  });

  it('says where and why text is not JSON', () => {
    const cases: [string, number, RegExp][] = [
      ['{"a": 1,}', 8, /comma before "}"/],
      ['{"a": 1 "b": 2}', 8, /Expected "," or "}" after the value of "a"/],
      ['{"a": [1, 2}', 11, /Expected "," or "]"/],
      ['{"a": "open', 6, /not closed/],
      ['{"a": tru}', 6, /Expected a value/],
      ['{"a": 1} x', 9, /after the end/],
      ['', 0, /ends where a value was expected/],
    ];
    for (const [text, offset, message] of cases) {
      const read = readJson(text);
      expect(read.ok, text).toBe(false);
      if (!read.ok) {
        expect(read.offset, text).toBe(offset);
        expect(read.message, text).toMatch(message);
      }
    }
  });

  it('finds the value at a path, or the deepest part of it that is written', () => {
    const text = '{\n  "nodes": [\n    { "id": "a", "params": { "k": 12 } }\n  ]\n}';
    const read = readJson(text);
    if (!read.ok) throw new Error(read.message);
    const slice = (r: { start: number; end: number }) => text.slice(r.start, r.end);
    expect(slice(rangeOfPath(read.tree, ['nodes', 0, 'params', 'k']))).toBe('12');
    expect(slice(rangeOfPath(read.tree, ['nodes', 0, 'params', 'missing']))).toBe('"params"');
    expect(slice(rangeOfPath(read.tree, ['nodes', 0, 'id']))).toBe('"a"');
  });
});

describe('the code pane text', () => {
  it('reads back the document it shows', () => {
    const read = readPaneText(documentText(doc), 'p');
    expect(read.kind).toBe('document');
    if (read.kind === 'document') expect(read.document).toEqual(doc);
  });

  it('refuses a document of another shape, a renamed pipeline and an edge without a port, with their places', () => {
    const text = documentText({ ...doc, edges: [{ from: 'load.table', to: 'split' }] }).replace('"nodes"', '"nodez"');
    const shape = readPaneText(text, 'p');
    expect(shape.kind).toBe('shape');
    if (shape.kind === 'shape') expect(shape.problems.map((p) => p.message).join('\n')).toMatch(/nodes/);

    const renamed = readPaneText(documentText({ ...doc, name: 'other' }), 'p');
    expect(renamed.kind === 'shape' && text.length > 0 && renamed.problems[0]!.message).toMatch(/the name stays "p"/);

    const portless = documentText({ ...doc, edges: [{ from: 'load.table', to: 'split' }] });
    const read = readPaneText(portless, 'p');
    expect(read.kind).toBe('shape');
    if (read.kind === 'shape') expect(portless.slice(read.problems[0]!.start, read.problems[0]!.end)).toBe('"split"');
  });

  it('marks a compiler error about an edge on that edge, and one about a parameter on its value', () => {
    const broken: PipelineDocument = {
      ...doc,
      nodes: [doc.nodes[0]!, { ...doc.nodes[1]!, params: { testFraction: 7 } }],
      edges: [{ from: 'load.table', to: 'split.nope' }],
    };
    const text = documentText(broken);
    const compiled = compilePipeline(broken, catalog);
    expect(compiled.ok).toBe(false);
    const read = readPaneText(text, 'p');
    if (read.kind !== 'document' || compiled.ok) throw new Error('expected a document that does not compile');
    const ranges = compileErrorRanges(compiled.errors, read.value, read.tree);
    const marked = ranges.map((r) => text.slice(r.start, r.end));
    expect(marked.some((m) => m.includes('"to": "split.nope"'))).toBe(true);
    expect(marked).toContain('7');
  });
});

describe('the code pane JSON Schema', () => {
  it("gives each node type its step's parameters", () => {
    const schema = documentJsonSchema() as { properties: { nodes: { items: { allOf: { if: any; then: any }[]; properties: { type: { enum: string[] } } } } } };
    const node = schema.properties.nodes.items;
    expect(node.properties.type.enum).toContain('prepare.split');
    const split = node.allOf.find((c) => c.if.properties.type.const === 'prepare.split');
    const params = split!.then.properties.params.properties;
    expect(Object.keys(params)).toContain('testFraction');
    // A value, or a pipeline parameter in its place.
    expect(params.testFraction.anyOf[1].required).toEqual(['$param']);
  });
});

describe('drafts', () => {
  const memory = () => {
    const items = new Map<string, string>();
    return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k), items };
  };

  it('keeps a draft per pipeline and reads back only what is a document of that pipeline', () => {
    const store = memory();
    writeDraft({ document: doc, baseVersion: 3, savedAt: '2026-01-01T00:00:00Z' }, store);
    expect([...store.items.keys()]).toEqual(['millrace:draft:p']);
    expect(readDraft('p', store)).toEqual({ document: doc, baseVersion: 3, savedAt: '2026-01-01T00:00:00Z' });
    store.setItem('millrace:draft:q', JSON.stringify({ document: doc, savedAt: 'x' })); // another pipeline's name inside
    expect(readDraft('q', store)).toBeUndefined();
    store.setItem('millrace:draft:r', '{not json');
    expect(readDraft('r', store)).toBeUndefined();
    removeDraft('p', store);
    expect(readDraft('p', store)).toBeUndefined();
  });

  it('says when the saved pipeline moved on since the draft began', () => {
    expect(draftBaseNote(2, 2)).toBeUndefined();
    expect(draftBaseNote(undefined, undefined)).toBeUndefined();
    expect(draftBaseNote(2, 4)).toBe('The saved pipeline has changed since: your draft started from version 2, the newest is version 4.');
    expect(draftBaseNote(undefined, 1)).toMatch(/has been saved since \(version 1\)/);
  });
});
