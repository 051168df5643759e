import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitModel } from '../../../server/infra/fitter';
import { loadModel, releaseModel, score } from '../../../server/infra/scorer';
import { agreement, fitWithMillrace, fitWithReference, PENGUIN_FEATURES, PENGUINS_SELECT, python, splitSample } from '../../../test/support/fit-check';
import definition from './definition';

const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-kmeans-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('train.kmeans', () => {
  it('needs no target: every parameter has a default', () => {
    expect(definition.params.parse({})).toEqual({ clusters: 3, maxIter: 300, seed: 0 });
    expect(definition.fit.task(definition.params.parse({}))).toBe('clustering');
    expect(definition.check!({ params: definition.params.parse({}), inputs: { table: [{ name: 'x', type: 'DOUBLE' }] }, dataset: () => undefined })).toEqual([]);
  });

  it('assigns the same clusters as scikit-learn’s KMeans (same seed, standardised features, gaps imputed)', async () => {
    const split = await splitSample(dir, 'penguins', 'penguins', { select: PENGUINS_SELECT });
    const features = PENGUIN_FEATURES.filter((f) => f !== 'Sex');
    const ours = await fitWithMillrace(split, path.join(dir, 'm'), { algorithm: 'kmeans', features, params: { clusters: 4, seed: 2 } });
    const ref = await fitWithReference(split, { features, estimator: 'KMeans', kwargs: { n_clusters: 4, random_state: 2, n_init: 10, max_iter: 300 } });
    expect(ours.meta).toMatchObject({ task: 'clustering', algorithm: 'kmeans', target: '', clusters: 4, classes: null, importances: null });
    expect(ours.predictions.length).toBe(ref.predictions.length);
    expect(agreement(ours.predictions, ref.predictions)).toBe(1);
    expect(new Set(ours.predictions)).toEqual(new Set([0, 1, 2, 3]));
    expect(Math.abs(ours.meta.inertia! - ref.inertia!) / ref.inertia!).toBeLessThan(1e-9);
  });

  it('scores row objects with the cluster number, as the endpoint does', async () => {
    const split = await splitSample(dir, 'penguins2', 'penguins', { select: PENGUINS_SELECT });
    const { onnxPath, meta } = await fitModel({
      python,
      tablePath: split.train,
      outDir: path.join(dir, 'rows'),
      algorithm: 'kmeans',
      task: 'clustering',
      target: '',
      features: ['Beak Length (mm)', 'Flipper Length (mm)'],
      params: { clusters: 2 },
    });
    const model = await loadModel(onnxPath, meta);
    try {
      // A short-beaked small bird and a long-beaked big one fall on opposite sides.
      const result = await score(model, [
        { 'Beak Length (mm)': 35, 'Flipper Length (mm)': 180 },
        { 'Beak Length (mm)': 50, 'Flipper Length (mm)': 228 },
        { 'Beak Length (mm)': null, 'Flipper Length (mm)': 229 },
      ]);
      expect(result.probabilities).toBeUndefined();
      expect(result.predictions.every((p) => p === 0 || p === 1)).toBe(true);
      expect(result.predictions[0]).not.toBe(result.predictions[1]);
      expect(result.predictions[2]).toBe(result.predictions[1]);
    } finally {
      await releaseModel(model);
    }
  });
});
