import { describe, expect, it } from 'vitest';
import { compilePipeline } from '../../core/compiler';
import { catalog } from '../catalog';
import definition from './definition';

describe('monitor.alert', () => {
  it('raises on dataset drift by default, when any rule holds, and notifies', () => {
    expect(definition.params.parse({})).toEqual({ rules: [{ metric: 'dataset_drift', op: '>=', value: 1 }], match: 'any', notify: true });
  });

  it('refuses an empty rule list, an unknown operator and an empty title', () => {
    expect(definition.params.safeParse({ rules: [] }).error?.issues[0]?.message).toBe('Add at least one rule');
    expect(definition.params.safeParse({ rules: [{ metric: 'drift_share', op: '=>', value: 0.5 }] }).success).toBe(false);
    expect(definition.params.safeParse({ title: '  ' }).success).toBe(false);
  });

  it('takes a drift step’s metrics and starts a pipeline only on "raised"; never cached', () => {
    const compiled = compilePipeline(
      {
        apiVersion: 'millrace/v1',
        name: 'watch',
        nodes: [
          { id: 'traffic', type: 'monitor.endpoint_traffic', params: { endpoint: 'penguins' } },
          { id: 'drift', type: 'monitor.drift' },
          { id: 'alert', type: 'monitor.alert', params: { rules: [{ metric: 'drift_share', value: 0.3 }] } },
          { id: 'retrain', type: 'control.trigger_pipeline', params: { pipeline: 'penguin-species' } },
        ],
        edges: [
          { from: 'traffic.reference', to: 'drift.reference' },
          { from: 'traffic.current', to: 'drift.current' },
          { from: 'drift.metrics', to: 'alert.metrics' },
          { from: 'alert.raised', to: 'retrain.after' },
        ],
      },
      catalog,
    );
    expect(compiled.ok, JSON.stringify(compiled)).toBe(true);
    const alert = compiled.ok ? compiled.plan.steps.find((s) => s.id === 'alert') : undefined;
    expect(alert?.params).toMatchObject({ rules: [{ metric: 'drift_share', op: '>=', value: 0.3 }] });
    expect(alert?.cache).toBeFalsy();
  });
});
