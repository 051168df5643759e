import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { regressionMetrics } from '../kit/metrics';
import {
  CAR_FEATURES,
  fitWithMillrace,
  fitWithReference,
  maxRelativeDifference,
  PENGUIN_FEATURES,
  PENGUINS_SELECT,
  splitSample,
} from '../../../test/support/fit-check';
import { expectSameClassifier } from '../../../test/support/fit-expect';
import definition from './definition';

const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-gbm-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// LightGBM's defaults as the step sends them (Millrace name → LightGBM argument).
const lightgbmDefaults = { n_estimators: 100, learning_rate: 0.1, num_leaves: 31, max_depth: -1, min_child_samples: 20, random_state: 0, verbose: -1 };

describe('train.gradient_boosting', () => {
  it('has LightGBM’s defaults, all hyperparameters but the tree count folded away', () => {
    const p = definition.params.parse({ target: 'y' });
    expect(p).toEqual({ target: 'y', task: 'auto', trees: 100, learningRate: 0.1, numLeaves: 31, minChildSamples: 20, subsample: 1, seed: 0 });
    const advanced = Object.entries(definition.params.shape)
      .filter(([, s]) => (s.meta() as { advanced?: boolean } | undefined)?.advanced)
      .map(([k]) => k);
    expect(advanced.sort()).toEqual(['learningRate', 'maxDepth', 'minChildSamples', 'numLeaves', 'seed', 'subsample']);
  });

  it('classifies penguins like LightGBM itself: same test predictions and probabilities through ONNX', async () => {
    const split = await splitSample(dir, 'penguins', 'penguins', { select: PENGUINS_SELECT, stratify: 'Species' });
    const ours = await fitWithMillrace(split, path.join(dir, 'cls'), { algorithm: 'gradient_boosting', target: 'Species' });
    const ref = await fitWithReference(split, { target: 'Species', features: PENGUIN_FEATURES, estimator: 'LGBMClassifier', kwargs: lightgbmDefaults });
    expect(ours.meta).toMatchObject({ task: 'classification', algorithm: 'gradient_boosting', classes: ref.classes });
    expect(ours.meta.library.lightgbm).toBe('4.7.0');
    expect(ours.meta.fitSeconds).toBeGreaterThan(0);
    expect(ours.meta.importances!.reduce((s, f) => s + f.importance, 0)).toBeCloseTo(1, 6);
    // Identical up to float32 rounding in the ONNX graph: every label, probabilities within 1e-4.
    expectSameClassifier(ours, ref);
  });

  it('regresses miles per gallon like LightGBM itself (cars: missing targets dropped, gaps imputed)', async () => {
    const split = await splitSample(dir, 'cars', 'cars');
    const ours = await fitWithMillrace(split, path.join(dir, 'reg'), {
      algorithm: 'gradient_boosting',
      target: 'Miles_per_Gallon',
      features: CAR_FEATURES,
      params: { trees: 200, learningRate: 0.05 },
    });
    const ref = await fitWithReference(split, {
      target: 'Miles_per_Gallon',
      features: CAR_FEATURES,
      estimator: 'LGBMRegressor',
      kwargs: { ...lightgbmDefaults, n_estimators: 200, learning_rate: 0.05 },
    });
    expect(ours.meta.task).toBe('regression');
    expect(ours.meta.rowsDroppedMissingTarget).toBeGreaterThan(0);
    // float32 outputs: relative differences below 1e-5; the test RMSE within 1e-4 of LightGBM's.
    expect(maxRelativeDifference(ours.predictions as number[], ref.predictions as number[])).toBeLessThan(1e-5);
    const m = regressionMetrics(ours.truth as number[], ours.predictions as number[]);
    expect(Math.abs(m.rmse - ref.metrics!.rmse!)).toBeLessThan(1e-4);
    expect(Math.abs(m.r2 - ref.metrics!.r2!)).toBeLessThan(1e-5);
  });
});
