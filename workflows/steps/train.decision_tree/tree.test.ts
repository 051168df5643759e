import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAR_FEATURES, fitWithMillrace, fitWithReference, PENGUIN_FEATURES, PENGUINS_SELECT, splitSample } from '../../../test/support/fit-check';
import { expectSameClassifier, expectSameRegressor } from '../../../test/support/fit-expect';
import definition from './definition';

const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-tree-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('train.decision_tree', () => {
  it('needs only a target; a text target cannot be regressed', () => {
    const table = [
      { name: 'species', type: 'VARCHAR' },
      { name: 'mass', type: 'DOUBLE' },
    ];
    const check = (p: object) => definition.check!({ params: definition.params.parse(p), inputs: { table }, dataset: () => undefined });
    expect(definition.params.parse({ target: 'species' })).toEqual({ target: 'species', task: 'auto', minSamplesLeaf: 1, seed: 0 });
    expect(check({ target: 'species' })).toEqual([]);
    expect(check({ target: 'mass', task: 'regression' })).toEqual([]);
    expect(check({ target: 'species', task: 'regression' })).toEqual([
      { path: 'params.target', message: '"species" is text (VARCHAR); the target of a decision tree must be numeric' },
    ]);
  });

  it('classifies penguins like DecisionTreeClassifier (depth 4)', async () => {
    const split = await splitSample(dir, 'penguins', 'penguins', { select: PENGUINS_SELECT, stratify: 'Species' });
    const ours = await fitWithMillrace(split, path.join(dir, 'cls'), { algorithm: 'decision_tree', target: 'Species', params: { maxDepth: 4 } });
    const ref = await fitWithReference(split, {
      target: 'Species',
      features: PENGUIN_FEATURES,
      estimator: 'DecisionTreeClassifier',
      kwargs: { max_depth: 4, random_state: 0 },
    });
    expectSameClassifier(ours, ref);
    expect(ours.meta.importances!.reduce((s, f) => s + f.importance, 0)).toBeCloseTo(1, 6);
  });

  it('regresses miles per gallon like DecisionTreeRegressor (unlimited depth, 5 rows per leaf)', async () => {
    const split = await splitSample(dir, 'cars', 'cars');
    const ours = await fitWithMillrace(split, path.join(dir, 'reg'), {
      algorithm: 'decision_tree',
      target: 'Miles_per_Gallon',
      features: CAR_FEATURES,
      params: { minSamplesLeaf: 5 },
    });
    const ref = await fitWithReference(split, {
      target: 'Miles_per_Gallon',
      features: CAR_FEATURES,
      estimator: 'DecisionTreeRegressor',
      kwargs: { min_samples_leaf: 5, random_state: 0 },
    });
    expect(ours.meta.task).toBe('regression');
    expectSameRegressor(ours, ref);
  });
});
