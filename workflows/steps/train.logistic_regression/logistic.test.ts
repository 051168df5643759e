import { describe, expect, it } from 'vitest';
import definition from './definition';

describe('train.logistic_regression', () => {
  it('classifies any target type and refuses a target that is also a feature', () => {
    const table = [
      { name: 'species', type: 'VARCHAR' },
      { name: 'mass', type: 'BIGINT' },
    ];
    const check = (p: object) => definition.check!({ params: definition.params.parse(p), inputs: { table }, dataset: () => undefined });
    expect(check({ target: 'species' })).toEqual([]);
    expect(check({ target: 'species', features: ['mass', 'species'] })).toEqual([
      { path: 'params.features.1', message: '"species" is the target; it cannot also be a feature' },
    ]);
    expect(definition.fit.task(definition.params.parse({ target: 'species' }))).toBe('classification');
  });
});
