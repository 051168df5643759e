import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { fitModel, type Algorithm } from '../../../server/infra/fitter';
import { pythonExecutable } from '../../../server/infra/python-paths';
import { loadModel, releaseModel, scoreColumns } from '../../../server/infra/scorer';
import { evaluate, evaluatedMetaSchema } from '../kit/evaluation';
import { regressionMetrics } from '../kit/metrics';
import { comparisonVisuals, pickBest, type Candidate } from './activity';
import definition from './definition';

const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));
const PENGUINS = path.resolve('node_modules/vega-datasets/data/penguins.json');
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-compare-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const regression = (name: string, truth: number[], predicted: number[]): Candidate => ({ port: name, name, metrics: regressionMetrics(truth, predicted) });

describe('validate.compare', () => {
  it('needs a test table and two models; more are optional; ranks by a known metric', () => {
    const required = Object.entries(definition.inputs).filter(([, p]) => !p.optional).map(([k]) => k);
    expect(required).toEqual(['table', 'model1', 'model2']);
    expect(definition.params.parse({})).toEqual({ metric: 'auto' });
    expect(definition.params.safeParse({ metric: 'speed' }).success).toBe(false);
  });

  it('picks the lower RMSE, the higher R², the first of a tie; refuses mixed tasks and foreign metrics', () => {
    const truth = [1, 2, 3, 4, 5];
    const a = regression('a', truth, [1.5, 2.5, 3.5, 4.5, 5.5]); // rmse 0.5
    const b = regression('b', truth, [1, 2, 3, 4, 6]); // rmse √0.2 ≈ 0.447
    const c = regression('c', truth, [1, 2, 3, 4, 6]);
    expect(pickBest([a, b, c], 'auto')).toMatchObject({ best: b, metric: 'rmse' });
    expect(pickBest([a, b], 'r2').best).toBe(b);
    expect(pickBest([a, b], 'mae').best).toBe(b);
    expect(pickBest([c, b], 'rmse').best).toBe(c);
    expect(() => pickBest([a, b], 'accuracy')).toThrow('"accuracy" is a classification metric; these models do regression');
    const cls: Candidate = { port: 'x', name: 'x', metrics: { task: 'classification', rows: 1, accuracy: 1, precision_macro: 1, recall_macro: 1, f1_macro: 1, per_class: [], confusion: { labels: [], matrix: [] } } };
    expect(() => pickBest([a, cls], 'auto')).toThrow(/different tasks \(a: regression, x: classification\)/);
    expect(() => pickBest([cls, cls], 'roc_auc')).toThrow('x has no roc_auc');
  });

  it('ranks real models like scikit-learn’s own numbers do, and draws them side by side', async () => {
    const table = path.join(dir, 'sex.parquet');
    await withDuckDb((conn) =>
      conn.run(`COPY (SELECT * FROM read_json_auto(${quoteLiteral(PENGUINS)}) WHERE "Sex" IN ('MALE', 'FEMALE')) TO ${quoteLiteral(table)} (FORMAT parquet)`),
    );
    const columns = await withDuckDb(async (conn) =>
      (await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(table)})`)).getColumnsObjectJS() as Record<string, unknown[]>,
    );
    const truth = columns.Sex!.map(String);
    const fits: [string, Algorithm, Record<string, unknown>][] = [
      ['shallow', 'random_forest', { trees: 5, maxDepth: 1, seed: 1 }],
      ['logistic', 'logistic_regression', {}],
    ];
    const candidates = [];
    const reference: { f1: number; ll: number }[] = [];
    for (const [name, algorithm, params] of fits) {
      const outDir = path.join(dir, name);
      const fitted = await fitModel({ python, tablePath: table, outDir, algorithm, task: 'classification', target: 'Sex', params, checkRows: 100_000 });
      const check = JSON.parse(await fs.readFile(path.join(outDir, 'check.json'), 'utf8'));
      reference.push(
        JSON.parse(
          execFileSync(
            python,
            ['-c', `import json, sys\nfrom sklearn import metrics as m\nd = json.load(sys.stdin)\nprint(json.dumps({'f1': m.f1_score(d['t'], d['p'], average='macro'), 'll': m.log_loss(d['t'], d['P'], labels=d['c'])}))`],
            { input: JSON.stringify({ t: truth, p: check.predictions, P: check.probabilities, c: fitted.meta.classes }) },
          ).toString(),
        ),
      );
      const model = await loadModel(fitted.onnxPath, fitted.meta);
      try {
        const meta = evaluatedMetaSchema.parse(fitted.meta);
        const scored = await scoreColumns(model, columns);
        candidates.push({ port: name, name, ...evaluate({ meta, truth, scored, columns }) });
      } finally {
        await releaseModel(model);
      }
    }
    // The two models differ, so the ranking means something.
    expect(Math.abs(reference[0]!.f1 - reference[1]!.f1)).toBeGreaterThan(0.01);
    const byF1 = pickBest(candidates, 'auto');
    const refBestF1 = reference[0]!.f1 >= reference[1]!.f1 ? 'shallow' : 'logistic';
    expect(byF1.metric).toBe('f1_macro');
    expect(byF1.best.name).toBe(refBestF1);
    byF1.values.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!.f1, 12));
    const byLoss = pickBest(candidates, 'log_loss');
    expect(byLoss.best.name).toBe(reference[0]!.ll <= reference[1]!.ll ? 'shallow' : 'logistic');
    byLoss.values.forEach((v, i) => expect(Math.abs(v - reference[i]!.ll)).toBeLessThan(1e-4));

    const visuals = comparisonVisuals(candidates, byF1.metric, byF1.values, byF1.best);
    expect(visuals.comparison.rows.map((r) => r[0])).toEqual(['shallow', 'logistic']);
    expect(visuals.comparison.columns).toEqual(['Model', 'Accuracy', 'F1 (macro)', 'Precision (macro)', 'Recall (macro)', 'ROC AUC', 'Average precision', 'Log loss', 'Best']);
    expect(visuals.comparison.rows.find((r) => r[0] === refBestF1)!.at(-1)).toBe('best by F1 (macro)');
    expect(visuals.ranking).toMatchObject({ $visual: 'bars', title: 'F1 (macro) (higher is better)' });
    expect(visuals.roc!.series.map((s) => s.name)).toEqual(['shallow', 'logistic']);
    expect(visuals.roc!.series.every((s) => s.points.length <= 250)).toBe(true);
  }, 120_000);
});
