import { describe, expect, it } from 'vitest';
import definition from './definition';

describe('deploy.endpoint', () => {
  it('takes an endpoint name usable in a URL', () => {
    expect(definition.params.safeParse({ endpoint: 'penguins-v2' }).success).toBe(true);
    for (const bad of ['Penguins', '-x', 'a/b', '', 'x'.repeat(64)]) expect(definition.params.safeParse({ endpoint: bad }).success, bad).toBe(false);
  });

  it('may wait for a gate: its "after" input is optional', () => {
    expect(definition.inputs.after.optional).toBe(true);
    expect(definition.inputs.model.optional).toBe(false);
  });

  it('deploys to production, refusing or skipping what it should, unless told otherwise', () => {
    expect(definition.params.parse({ endpoint: 'e' })).toEqual({ endpoint: 'e', slot: 'production', takeOver: false, allowSchemaChange: false, allowOlder: false, betterBy: 0, challenger: 'none', canaryPercent: 10, requireApproval: false });
    expect(definition.params.safeParse({ endpoint: 'e', slot: 'canary' }).success).toBe(false);
    expect(definition.params.safeParse({ endpoint: 'e', betterMetric: 'accuracy', betterBy: -0.1 }).success).toBe(false);
  });
});
