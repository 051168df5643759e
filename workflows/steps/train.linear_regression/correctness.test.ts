import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAR_FEATURES, fitWithMillrace, fitWithReference, splitSample } from '../../../test/support/fit-check';
import { expectSameRegressor } from '../../../test/support/fit-expect';

const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-linear-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const split = await splitSample(dir, 'cars', 'cars');
const target = 'Miles_per_Gallon';

describe('train.linear_regression against scikit-learn (cars, miles per gallon)', () => {
  it('ordinary least squares: the same predictions and metrics as LinearRegression', async () => {
    const ours = await fitWithMillrace(split, path.join(dir, 'ols'), { algorithm: 'linear_regression', target, features: CAR_FEATURES });
    const ref = await fitWithReference(split, { target, features: CAR_FEATURES, estimator: 'LinearRegression' });
    expect(ours.meta.params).toEqual({ fitIntercept: true, regularization: 'none', alpha: 1 });
    expectSameRegressor(ours, ref);
  });

  it('ridge: the same as Ridge(alpha) on standardised features', async () => {
    const ours = await fitWithMillrace(split, path.join(dir, 'ridge'), {
      algorithm: 'linear_regression',
      target,
      features: CAR_FEATURES,
      params: { regularization: 'ridge', alpha: 10 },
    });
    const ref = await fitWithReference(split, { target, features: CAR_FEATURES, estimator: 'Ridge', kwargs: { alpha: 10 } });
    expectSameRegressor(ours, ref);
  });

  it('lasso: the same as Lasso(alpha), which zeroes the weakest coefficients', async () => {
    const ours = await fitWithMillrace(split, path.join(dir, 'lasso'), {
      algorithm: 'linear_regression',
      target,
      features: CAR_FEATURES,
      params: { regularization: 'lasso', alpha: 0.5 },
    });
    const ref = await fitWithReference(split, { target, features: CAR_FEATURES, estimator: 'Lasso', kwargs: { alpha: 0.5, max_iter: 10000 } });
    expectSameRegressor(ours, ref);
    // An L1 penalty this strong leaves some columns with no weight at all.
    expect(ours.meta.importances!.some((f) => f.importance === 0)).toBe(true);
  });
});
