import { describe, expect, it } from 'vitest';
import definition from './definition';

describe('validate.gate', () => {
  it('takes rules with a known operator, defaulting to >=', () => {
    expect(definition.params.parse({ rules: [{ metric: 'accuracy', value: 0.9 }] })).toEqual({
      rules: [{ metric: 'accuracy', op: '>=', value: 0.9 }],
    });
    expect(definition.params.safeParse({ rules: [{ metric: 'accuracy', op: '=~', value: 1 }] }).success).toBe(false);
    expect(definition.params.safeParse({ rules: [] }).success).toBe(false);
  });

  it('refuses unknown fields in a rule and unknown parameters', () => {
    const bad = definition.params.safeParse({ rules: [{ metric: 'accuracy', value: 1, treshold: 2 }], strict: true });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.code).sort()).toEqual(['unrecognized_keys', 'unrecognized_keys']);
  });
});
