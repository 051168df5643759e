import { describe, expect, it } from 'vitest';
import definition from './definition';

describe('validate.evaluate', () => {
  it('takes a model and a table, and no parameters', () => {
    expect(Object.values(definition.inputs).map((p) => p.type).sort()).toEqual(['model', 'table']);
    expect(definition.params.safeParse({}).success).toBe(true);
    expect(definition.params.safeParse({ threshold: 0.5 }).success).toBe(false);
  });
});
