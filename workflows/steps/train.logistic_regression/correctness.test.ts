import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { fitWithMillrace, fitWithReference, PENGUIN_FEATURES, PENGUINS_SELECT, splitSample } from '../../../test/support/fit-check';
import { expectSameClassifier } from '../../../test/support/fit-expect';

const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-logistic-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('train.logistic_regression against scikit-learn', () => {
  it('classifies penguins like LogisticRegression(C) on the same split: labels, probabilities, accuracy, F1', async () => {
    const split = await splitSample(dir, 'penguins', 'penguins', { select: PENGUINS_SELECT, stratify: 'Species' });
    const ours = await fitWithMillrace(split, path.join(dir, 'm'), { algorithm: 'logistic_regression', target: 'Species', params: { C: 0.5 } });
    const ref = await fitWithReference(split, {
      target: 'Species',
      features: PENGUIN_FEATURES,
      estimator: 'LogisticRegression',
      kwargs: { C: 0.5, max_iter: 1000 },
    });
    expectSameClassifier(ours, ref);
  });
});
