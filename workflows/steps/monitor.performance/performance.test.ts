import { describe, expect, it } from 'vitest';
import { compilePipeline } from '../../core/compiler';
import { catalog } from '../catalog';
import definition from './definition';

describe('monitor.performance', () => {
  it('measures the production slot over the last week by default, from 30 labelled rows', () => {
    expect(definition.params.parse({ endpoint: 'penguins' })).toEqual({ endpoint: 'penguins', slot: 'production', windowHours: 168, minLabels: 30 });
  });

  it('refuses a window out of range, a time without offset and a bad endpoint name', () => {
    expect(definition.params.safeParse({ endpoint: 'p', windowHours: -1 }).error?.issues[0]?.message).toBe('The window must be longer than 0 hours');
    expect(definition.params.safeParse({ endpoint: 'p', since: '2026-01-01T00:00:00' }).error?.issues[0]?.message).toMatch(/ISO 8601/);
    expect(definition.params.safeParse({ endpoint: 'P!' }).success).toBe(false);
  });

  it('feeds an alert on the change against validation; never cached', () => {
    const compiled = compilePipeline(
      {
        apiVersion: 'millrace/v1',
        name: 'quality',
        nodes: [
          { id: 'quality', type: 'monitor.performance', params: { endpoint: 'penguins' } },
          { id: 'alert', type: 'monitor.alert', params: { rules: [{ metric: 'accuracy_change', op: '<=', value: -0.1 }] } },
        ],
        edges: [{ from: 'quality.metrics', to: 'alert.metrics' }],
      },
      catalog,
    );
    expect(compiled.ok, JSON.stringify(compiled)).toBe(true);
    expect(compiled.ok && compiled.plan.steps[0]!.cache).toBeFalsy();
  });
});
