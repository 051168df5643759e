import { describe, expect, it } from 'vitest';
import { compilePipeline } from '../../core/compiler';
import { catalog } from '../catalog';
import definition from './definition';

const doc = (params: Record<string, unknown>) => ({
  apiVersion: 'millrace/v1' as const,
  name: 'watch',
  nodes: [
    { id: 'traffic', type: 'monitor.endpoint_traffic', params },
    { id: 'drift', type: 'monitor.drift' },
  ],
  edges: [
    { from: 'traffic.reference', to: 'drift.reference' },
    { from: 'traffic.current', to: 'drift.current' },
  ],
});

describe('monitor.endpoint_traffic', () => {
  it('reads the production slot over the last day against the training table by default', () => {
    expect(definition.params.parse({ endpoint: 'penguins' })).toEqual({ endpoint: 'penguins', slot: 'production', windowHours: 24, minRows: 30 });
  });

  it('refuses a window that is not positive or longer than 90 days, and a bad endpoint name', () => {
    expect(definition.params.safeParse({ endpoint: 'penguins', windowHours: 0 }).error?.issues[0]?.message).toBe('The window must be longer than 0 hours');
    expect(definition.params.safeParse({ endpoint: 'penguins', windowHours: 3000 }).error?.issues[0]?.message).toMatch(/at most 90 days/);
    expect(definition.params.safeParse({ endpoint: 'Pen guins' }).success).toBe(false);
  });

  it('feeds a drift step, is never cached, and names a reference version without a dataset as an error', () => {
    const ok = compilePipeline(doc({ endpoint: 'penguins', windowHours: 0.5 }), catalog);
    expect(ok.ok, JSON.stringify(ok)).toBe(true);
    expect(ok.ok && ok.plan.steps.find((s) => s.id === 'traffic')?.cache).toBeFalsy();
    const bad = compilePipeline(doc({ endpoint: 'penguins', referenceVersion: 2 }), catalog);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: 'traffic', path: 'params.referenceVersion' })]));
  });
});

describe('monitor.endpoint_traffic: not before', () => {
  it('takes a time with offset, from a timestamp parameter too', () => {
    expect(definition.params.safeParse({ endpoint: 'e', since: '2026-01-01' }).error?.issues[0]?.message).toMatch(/ISO 8601/);
    const compiled = compilePipeline(
      { ...doc({ endpoint: 'e', since: { $param: 'from' } }), parameters: [{ name: 'from', type: 'timestamp', default: '2026-01-01T00:00:00Z' }] },
      catalog,
    );
    expect(compiled.ok, JSON.stringify(compiled)).toBe(true);
    expect(compiled.ok && compiled.plan.steps[0]!.params.since).toBe('2026-01-01T00:00:00Z');
  });
});
