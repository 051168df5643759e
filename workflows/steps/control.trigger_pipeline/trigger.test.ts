import { describe, expect, it } from 'vitest';
import { compilePipeline } from '../../core/compiler';
import { catalog } from '../catalog';
import definition from './definition';

describe('control.trigger_pipeline', () => {
  it('starts the named pipeline without values and without waiting by default', () => {
    expect(definition.params.parse({ pipeline: 'penguin-species' })).toEqual({ pipeline: 'penguin-species', params: [], wait: false });
  });

  it('refuses a name that is not a pipeline name and values that are not plain', () => {
    expect(definition.params.safeParse({ pipeline: 'Penguin Species' }).error?.issues[0]?.message).toMatch(/lowercase letters/);
    expect(definition.params.safeParse({ pipeline: 'p', params: [{ name: 'source', value: { nested: 1 } }] }).success).toBe(false);
    expect(definition.params.safeParse({ pipeline: 'p', params: [{ name: 'a', value: 1 }, { name: 'a', value: 2 }] }).error?.issues[0]?.message).toBe('Each parameter is given once');
    expect(definition.params.safeParse({ pipeline: 'p', other: 1 }).success).toBe(false);
  });

  it('is never cached and takes its values from the run’s parameters', () => {
    const compiled = compilePipeline(
      {
        apiVersion: 'millrace/v1',
        name: 'starter',
        parameters: [{ name: 'source', type: 'dataset', default: 'penguins' }],
        nodes: [{ id: 'start', type: 'control.trigger_pipeline', params: { pipeline: 'retrain', params: [{ name: 'source', value: { $param: 'source' } }] } }],
      },
      catalog,
    );
    expect(compiled.ok, JSON.stringify(compiled)).toBe(true);
    const step = compiled.ok ? compiled.plan.steps[0]! : undefined;
    expect(step?.params).toEqual({ pipeline: 'retrain', params: [{ name: 'source', value: 'penguins' }], wait: false });
    expect(step?.cache).toBeFalsy();
  });
});
