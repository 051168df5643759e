import { describe, expect, it } from 'vitest';
import { compilePipeline } from '../../core/compiler';
import { catalog } from '../catalog';
import definition from './definition';

describe('control.approval', () => {
  it('waits without a timeout by default and rejects when a timeout runs out unless told otherwise', () => {
    expect(definition.params.parse({})).toEqual({ onTimeout: 'reject' });
    expect(definition.approval!(definition.params.parse({}))).toEqual({ onTimeout: 'reject' });
    expect(definition.approval!(definition.params.parse({ timeoutMinutes: 2, onTimeout: 'approve' }))).toEqual({ timeoutSeconds: 120, onTimeout: 'approve' });
  });

  it('refuses a timeout that is not positive or longer than 90 days', () => {
    expect(definition.params.safeParse({ timeoutMinutes: 0 }).error?.issues[0]?.message).toBe('The timeout must be more than 0 minutes');
    expect(definition.params.safeParse({ timeoutMinutes: 200000 }).error?.issues[0]?.message).toMatch(/at most 90 days/);
    expect(definition.params.safeParse({ onTimeout: 'maybe' }).success).toBe(false);
  });

  it('is compiled into a plan step that says how to wait, and is never cached', () => {
    const compiled = compilePipeline(
      {
        apiVersion: 'millrace/v1',
        name: 'approve',
        nodes: [{ id: 'ok', type: 'control.approval', params: { timeoutMinutes: 0.5 } }],
      },
      catalog,
    );
    expect(compiled.ok).toBe(true);
    const step = compiled.ok ? compiled.plan.steps[0]! : undefined;
    expect(step?.approval).toEqual({ timeoutSeconds: 30, onTimeout: 'reject' });
    expect(step?.cache).toBeUndefined();
  });
});
