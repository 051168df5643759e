import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { CAR_FEATURES, fitWithMillrace, fitWithReference, PENGUIN_FEATURES, PENGUINS_SELECT, splitSample } from '../../../test/support/fit-check';
import { expectSameClassifier, expectSameRegressor } from '../../../test/support/fit-expect';

const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-forest-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('train.random_forest against scikit-learn', () => {
  it('classifies penguins like RandomForestClassifier with the same seed', async () => {
    const split = await splitSample(dir, 'penguins', 'penguins', { select: PENGUINS_SELECT, stratify: 'Species' });
    const ours = await fitWithMillrace(split, path.join(dir, 'cls'), { algorithm: 'random_forest', target: 'Species', params: { trees: 50, seed: 3 } });
    const ref = await fitWithReference(split, {
      target: 'Species',
      features: PENGUIN_FEATURES,
      estimator: 'RandomForestClassifier',
      kwargs: { n_estimators: 50, max_features: 'sqrt', random_state: 3 },
    });
    expectSameClassifier(ours, ref);
  });

  it('regresses miles per gallon like RandomForestRegressor', async () => {
    const split = await splitSample(dir, 'cars', 'cars');
    const ours = await fitWithMillrace(split, path.join(dir, 'reg'), {
      algorithm: 'random_forest',
      target: 'Miles_per_Gallon',
      features: CAR_FEATURES,
      params: { trees: 50, minSamplesLeaf: 2 },
    });
    const ref = await fitWithReference(split, {
      target: 'Miles_per_Gallon',
      features: CAR_FEATURES,
      estimator: 'RandomForestRegressor',
      kwargs: { n_estimators: 50, min_samples_leaf: 2, max_features: null, random_state: 0 }, // null: every feature (JSON has no 1.0)
    });
    expectSameRegressor(ours, ref);
  });
});
