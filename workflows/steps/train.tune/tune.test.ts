import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogManifest } from '../../steps/catalog';
import { tuningVisuals } from '../kit/train';
import { agreement, fitWithMillrace, fitWithReference, PENGUIN_FEATURES, PENGUINS_SELECT, splitSample } from '../../../test/support/fit-check';
import { expectSameClassifier } from '../../../test/support/fit-expect';
import definition, { parseGrid } from './definition';

const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-tune-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const sklearnNames: Record<string, string> = { maxDepth: 'max_depth', minSamplesLeaf: 'min_samples_leaf', C: 'C' };
const toSklearn = (params: Record<string, unknown>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [sklearnNames[k] ?? k, v]));

describe('train.tune', () => {
  it('needs only the target; every other parameter has a default and is folded away', () => {
    expect(definition.params.parse({ target: 'y' })).toEqual({ target: 'y', task: 'auto', algorithm: 'random_forest', search: 'grid', trials: 20, folds: 5, seed: 0 });
    const schema = catalogManifest().steps.find((s) => s.type === 'train.tune')!.paramsSchema;
    expect(schema.required).toEqual(['target']);
    const props = schema.properties as Record<string, { advanced?: boolean }>;
    for (const k of ['task', 'algorithm', 'search', 'grid', 'trials', 'folds', 'seed']) expect(props[k]!.advanced, k).toBe(true);
  });

  it('reads a grid and checks its names and values against the searched algorithm’s own step', () => {
    expect(parseGrid('trees = 100, 300; maxDepth = 4, none ;')).toEqual({ grid: { trees: [100, 300], maxDepth: [4, null] } });
    expect(parseGrid('regularization = ridge, lasso; alpha = 0.1, 1e-2')).toEqual({ grid: { regularization: ['ridge', 'lasso'], alpha: [0.1, 0.01] } });
    expect(parseGrid('trees 100')).toEqual({ error: '"trees 100" is not "name = value, value"' });
    const table = [
      { name: 'y', type: 'VARCHAR' },
      { name: 'x', type: 'DOUBLE' },
    ];
    const check = (p: object) => definition.check!({ params: definition.params.parse({ target: 'y', ...p }), inputs: { table }, dataset: () => undefined });
    expect(check({ grid: 'trees = 50, 100; maxDepth = 3, none' })).toEqual([]);
    expect(check({ grid: 'trees = 0, 50; depth = 3' })).toEqual([
      { path: 'params.grid', message: 'Grid: 0 is not a valid trees: Too small: expected number to be >=1' },
      { path: 'params.grid', message: 'Grid: random forest has no hyperparameter "depth" (it has trees, maxDepth, minSamplesLeaf, maxFeatures)' },
    ]);
    expect(check({ algorithm: 'logistic_regression', grid: 'C = 0.1, big' })).toEqual([
      { path: 'params.grid', message: 'Grid: big is not a valid C: Invalid input: expected number, received string' },
    ]);
  });

  it('a linear regression search needs a numeric target at design time', () => {
    const table = [{ name: 'species', type: 'VARCHAR' }];
    const p = definition.params.parse({ target: 'species', algorithm: 'linear_regression' });
    expect(definition.check!({ params: p, inputs: { table }, dataset: () => undefined })[0]!.message).toContain('must be numeric');
    expect(definition.fit.task(definition.params.parse({ target: 'x', algorithm: 'logistic_regression' }))).toBe('classification');
  });

  it('scores every grid candidate as scikit-learn’s own k-fold cross-validation does, and refits the best on all rows', async () => {
    const split = await splitSample(dir, 'penguins', 'penguins', { select: PENGUINS_SELECT, stratify: 'Species' });
    const ours = await fitWithMillrace(split, path.join(dir, 'grid'), {
      algorithm: 'tune',
      target: 'Species',
      params: { algorithm: 'decision_tree', folds: 4, seed: 5 },
    });
    const tuning = ours.meta.tuning!;
    expect(tuning).toMatchObject({ algorithm: 'decision_tree', search: 'grid', folds: 4, metric: 'accuracy' });
    expect(tuning.trials.length).toBe(12);
    expect(ours.meta.algorithm).toBe('decision_tree');
    const grid = tuning.trials.map((t) => toSklearn(t.params));
    const ref = await fitWithReference(split, {
      target: 'Species',
      features: PENGUIN_FEATURES,
      estimator: 'DecisionTreeClassifier',
      kwargs: { random_state: 5 },
      search: { grid, folds: 4, seed: 5 },
    });
    tuning.trials.forEach((t, i) => expect(Math.abs(t.score! - ref.trialScores![i]!), `trial ${t.trial}`).toBeLessThan(1e-6));
    const best = ref.trialScores!.indexOf(Math.max(...ref.trialScores!));
    expect(tuning.best).toBe(best + 1);
    expect(ours.meta.params).toMatchObject(tuning.trials[best]!.params);
    expectSameClassifier(ours, ref);

    const visuals = tuningVisuals(ours.meta);
    expect(visuals.trialsTable!.rows.length).toBe(12);
    expect(visuals.trialsTable!.columns).toEqual(['trial', 'maxDepth', 'minSamplesLeaf', 'mean accuracy', 'std', 'fit seconds / fold']);
    expect(visuals.trialsTable!.rows[0]![0]).toBe(tuning.best);
    expect(visuals.trialsChart!.series[0]!.points.length).toBe(12);
  });

  it('searches a grid of the user’s, drawing the asked number of its candidates at random', async () => {
    const split = await splitSample(dir, 'penguins-own', 'penguins', { select: PENGUINS_SELECT, stratify: 'Species' });
    const ours = await fitWithMillrace(split, path.join(dir, 'own'), {
      algorithm: 'tune',
      target: 'Species',
      params: { algorithm: 'random_forest', search: 'random', trials: 3, folds: 3, grid: 'trees = 10, 20; maxDepth = 2, none' },
    });
    const trials = ours.meta.tuning!.trials.map((t) => t.params);
    expect(trials).toHaveLength(3);
    const all = [
      { trees: 10, maxDepth: 2 },
      { trees: 10, maxDepth: null },
      { trees: 20, maxDepth: 2 },
      { trees: 20, maxDepth: null },
    ];
    for (const t of trials) expect(all).toContainEqual(t);
    expect(new Set(trials.map((t) => JSON.stringify(t))).size).toBe(3);
  });

  it('draws the asked number of distinct random candidates for a regression', async () => {
    const split = await splitSample(dir, 'cars', 'cars', { select: 'Miles_per_Gallon, Cylinders, Horsepower, Weight_in_lbs, Origin' });
    const ours = await fitWithMillrace(split, path.join(dir, 'random'), {
      algorithm: 'tune',
      target: 'Miles_per_Gallon',
      params: { algorithm: 'linear_regression', search: 'random', trials: 6, folds: 3 },
    });
    const tuning = ours.meta.tuning!;
    expect(tuning.metric).toBe('r2');
    expect(tuning.trials.length).toBe(6);
    expect(new Set(tuning.trials.map((t) => JSON.stringify(t.params))).size).toBe(6);
    for (const t of tuning.trials) {
      expect(['ridge', 'lasso']).toContain(t.params.regularization);
      expect(t.params.alpha).toBeGreaterThanOrEqual(1e-3);
      expect(t.params.alpha).toBeLessThanOrEqual(100);
    }
    expect(ours.meta.params).toMatchObject(tuning.trials[tuning.best - 1]!.params);
    expect(agreement([tuning.bestScore], [Math.max(...tuning.trials.map((t) => t.score!))])).toBe(1);
  });
});
