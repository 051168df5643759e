import { describe, expect, it } from 'vitest';
import definition from './definition';

describe('train.random_forest', () => {
  it('needs a numeric target only when told to regress', () => {
    const table = [{ name: 'species', type: 'VARCHAR' }];
    const check = (task: string) =>
      definition.check!({ params: definition.params.parse({ target: 'species', task }), inputs: { table }, dataset: () => undefined });
    expect(check('auto')).toEqual([]);
    expect(check('classification')).toEqual([]);
    expect(check('regression')[0]!.message).toContain('must be numeric');
  });

  it('takes a fraction for the features per split', () => {
    expect(definition.params.safeParse({ target: 't', maxFeatures: 'sqrt' }).success).toBe(false);
    expect(definition.params.safeParse({ target: 't', maxFeatures: 0.5 }).success).toBe(true);
    expect(definition.params.safeParse({ target: 't', maxFeatures: 2 }).success).toBe(false);
  });
});
