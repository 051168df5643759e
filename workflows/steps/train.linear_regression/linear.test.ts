import { describe, expect, it } from 'vitest';
import definition from './definition';

const table = [
  { name: 'price', type: 'DOUBLE' },
  { name: 'brand', type: 'VARCHAR' },
];
const dataset = () => undefined;

describe('train.linear_regression', () => {
  it('needs a numeric target', () => {
    const check = (target: string) => definition.check!({ params: definition.params.parse({ target }), inputs: { table }, dataset });
    expect(check('price')).toEqual([]);
    expect(check('brand')).toEqual([
      { path: 'params.target', message: '"brand" is text (VARCHAR); the target of a linear regression must be numeric' },
    ]);
  });

  it('sends the fitter only its own hyperparameters', () => {
    expect(definition.fit.algorithm).toBe('linear_regression');
    expect(definition.params.parse({ target: 'price' })).toEqual({ target: 'price', regularization: 'none', alpha: 1, fitIntercept: true });
  });
});
