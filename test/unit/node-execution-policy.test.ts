import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePipeline } from '../../workflows/core/compiler';
import { catalog } from '../../workflows/steps/catalog';

const example = JSON.parse(fs.readFileSync(path.resolve('server/examples/penguin-species.json'), 'utf8'));
const withNode = (id: string, extra: Record<string, unknown>) => {
  const doc = structuredClone(example);
  Object.assign(doc.nodes.find((n: { id: string }) => n.id === id), extra);
  return doc;
};
const planStep = (doc: unknown, id: string) => {
  const result = compilePipeline(doc, catalog);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan.steps.find((s) => s.id === id)!;
};

describe('per-node retry, timeout and cache', () => {
  it('takes the catalog defaults when the node says nothing', () => {
    const train = planStep(example, 'train');
    expect(train.retry).toEqual(catalog['train.random_forest']!.retry);
    expect(train.timeoutSeconds).toBe(catalog['train.random_forest']!.timeoutSeconds);
    expect(train.cache).toBe(true);
  });

  it('puts the node overrides in the plan, keeping the default for what it leaves out', () => {
    const train = planStep(withNode('train', { retry: { maximumAttempts: 7 }, timeoutSeconds: 90, cache: false }), 'train');
    expect(train.retry).toEqual({ maximumAttempts: 7, initialIntervalSeconds: catalog['train.random_forest']!.retry.initialIntervalSeconds });
    expect(train.timeoutSeconds).toBe(90);
    expect(train.cache).toBeUndefined();
  });

  it('never caches steps with side effects or outside reads, whatever the node says', () => {
    expect(planStep(withNode('ship', { cache: true }), 'ship').cache).toBeUndefined();
    // The newest version of a dataset is read at run time; a pinned version is the same bytes each time.
    expect(planStep(example, 'load').cache).toBeUndefined();
    expect(planStep(withNode('load', { params: { dataset: 'penguins', version: 1 } }), 'load').cache).toBe(true);
  });

  it('answers out-of-range values with an error on the node and the field', () => {
    const result = compilePipeline(withNode('train', { retry: { maximumAttempts: 0, initialIntervalSeconds: 1e6 }, timeoutSeconds: 2.5 }), catalog);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      { code: 'invalid_document', nodeId: 'train', path: 'retry.maximumAttempts', message: 'maximumAttempts must be at least 1' },
      { code: 'invalid_document', nodeId: 'train', path: 'retry.initialIntervalSeconds', message: 'initialIntervalSeconds is at most 3600 (an hour)' },
      { code: 'invalid_document', nodeId: 'train', path: 'timeoutSeconds', message: 'timeoutSeconds must be a whole number, got number 2.5' },
    ]);
    const unknown = compilePipeline(withNode('train', { retry: { attempts: 3 } }), catalog);
    expect(unknown.errors).toEqual([{ code: 'invalid_document', nodeId: 'train', path: 'retry.attempts', message: 'Unknown field "attempts"' }]);
  });
});
