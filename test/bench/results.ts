// `npm run results`: writes docs/results.md — every training algorithm's test metrics and fit time on three
// vega-datasets samples, through Millrace (fitter → ONNX → scored in Node) and through scikit-learn / LightGBM
// called directly on the same split with the same parameters.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Algorithm } from '../../server/infra/fitter';
import { classificationMetrics, regressionMetrics } from '../../workflows/steps/kit/metrics';
import { agreement, fitWithMillrace, fitWithReference, maxRelativeDifference, splitSample, type Sample, type Split } from '../support/fit-check';

interface Case {
  label: string;
  algorithm: Algorithm;
  params?: Record<string, unknown>;
  estimator: string;
  kwargs: Record<string, unknown>;
  /** Millrace name → scikit-learn name, for a tune step's grid. */
  search?: Record<string, string>;
}

interface Problem {
  sample: Sample;
  target: string;
  features: string[];
  classify: boolean;
  stratify?: string;
}

const problems: Problem[] = [
  {
    sample: 'penguins',
    target: 'Species',
    features: ['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex'],
    classify: true,
    stratify: 'Species',
  },
  { sample: 'seattle-weather', target: 'weather', features: ['precipitation', 'temp_max', 'temp_min', 'wind'], classify: true, stratify: 'weather' },
  {
    sample: 'cars',
    target: 'Miles_per_Gallon',
    features: ['Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration', 'Origin'],
    classify: false,
  },
];

const lightgbm = { learning_rate: 0.1, num_leaves: 31, max_depth: -1, min_child_samples: 20, random_state: 0, verbose: -1, n_jobs: 1 }; // Millrace's choice below 20,000 rows

function cases(classify: boolean): Case[] {
  const shared: Case[] = [
    { label: 'decision tree (depth 6)', algorithm: 'decision_tree', params: { maxDepth: 6 }, estimator: 'DecisionTree', kwargs: { max_depth: 6, random_state: 0 } },
    {
      label: 'random forest (200 trees)',
      algorithm: 'random_forest',
      params: { trees: 200 },
      estimator: 'RandomForest',
      // null = every feature (regression's default; JSON cannot say 1.0)
      kwargs: { n_estimators: 200, max_features: classify ? 'sqrt' : null, random_state: 0, n_jobs: -1 },
    },
    {
      label: 'gradient boosting (LightGBM, 200 trees)',
      algorithm: 'gradient_boosting',
      params: { trees: 200 },
      estimator: 'LGBM',
      kwargs: { ...lightgbm, n_estimators: 200 },
    },
    {
      label: 'tune: decision tree grid, 5-fold CV',
      algorithm: 'tune',
      params: { algorithm: 'decision_tree', folds: 5 },
      estimator: 'DecisionTree',
      kwargs: { random_state: 0 },
      search: { maxDepth: 'max_depth', minSamplesLeaf: 'min_samples_leaf' },
    },
  ];
  const suffixed = shared.map((c) =>
    c.estimator === 'LGBM' ? { ...c, estimator: classify ? 'LGBMClassifier' : 'LGBMRegressor' } : { ...c, estimator: c.estimator + (classify ? 'Classifier' : 'Regressor') },
  );
  if (classify) {
    return [{ label: 'logistic regression (C = 1)', algorithm: 'logistic_regression', estimator: 'LogisticRegression', kwargs: { C: 1, max_iter: 1000 } }, ...suffixed];
  }
  return [
    { label: 'linear regression', algorithm: 'linear_regression', estimator: 'LinearRegression', kwargs: {} },
    { label: 'ridge (alpha = 1)', algorithm: 'linear_regression', params: { regularization: 'ridge', alpha: 1 }, estimator: 'Ridge', kwargs: { alpha: 1 } },
    {
      label: 'lasso (alpha = 0.1)',
      algorithm: 'linear_regression',
      params: { regularization: 'lasso', alpha: 0.1 },
      estimator: 'Lasso',
      kwargs: { alpha: 0.1, max_iter: 10000 },
    },
    ...suffixed,
  ];
}

const f = (x: number, digits = 4) => x.toFixed(digits);
const seconds = (x: number) => (x < 0.01 ? x.toFixed(4) : x.toFixed(3));

async function runProblem(dir: string, problem: Problem): Promise<string[]> {
  const split: Split = await splitSample(dir, problem.sample, problem.sample, { stratify: problem.stratify, seed: 7 });
  const lines: string[] = [];
  const metricNames = problem.classify ? ['accuracy', 'macro F1'] : ['RMSE', 'R²'];
  lines.push(
    `| algorithm | ${metricNames.map((m) => `${m} Millrace | ${m} library`).join(' | ')} | same predictions | fit s Millrace | fit s library | ratio | whole fitter s |`,
    `|---|${metricNames.map(() => '--:|--:').join('|')}|--:|--:|--:|--:|--:|`,
  );
  for (const c of cases(problem.classify)) {
    const ours = await fitWithMillrace(split, path.join(dir, `${problem.sample}-${c.label.replace(/\W+/g, '-')}`), {
      algorithm: c.algorithm,
      target: problem.target,
      features: problem.features,
      params: c.params,
    });
    const search = c.search
      ? {
          grid: ours.meta.tuning!.trials.map((t) => Object.fromEntries(Object.entries(t.params).map(([k, v]) => [c.search![k] ?? k, v]))),
          folds: ours.meta.tuning!.folds,
          seed: ours.meta.tuning!.seed,
        }
      : undefined;
    const ref = await fitWithReference(split, { target: problem.target, features: problem.features, estimator: c.estimator, kwargs: c.kwargs, search });
    let cells: string[];
    let same: string;
    if (problem.classify) {
      const m = classificationMetrics(ours.truth as string[], ours.predictions as string[], ours.meta.classes ?? []);
      cells = [f(m.accuracy), f(ref.metrics!.accuracy!), f(m.f1_macro), f(ref.metrics!.f1_macro!)];
      same = `${(agreement(ours.predictions, ref.predictions) * 100).toFixed(1)} %`;
    } else {
      const m = regressionMetrics(ours.truth as number[], ours.predictions as number[]);
      cells = [f(m.rmse), f(ref.metrics!.rmse!), f(m.r2), f(ref.metrics!.r2!)];
      same = `max rel. diff ${maxRelativeDifference(ours.predictions as number[], ref.predictions as number[]).toExponential(1)}`;
    }
    // A tune step's fit time is every fold of every trial plus the refit, on both sides.
    const ourFit = c.algorithm === 'tune' ? ours.meta.tuning!.trials.reduce((s, t) => s + t.fitSeconds * ours.meta.tuning!.folds, 0) + ours.meta.fitSeconds! : ours.meta.fitSeconds!;
    const label = c.algorithm === 'tune' ? `${c.label} (${ours.meta.tuning!.trials.length} trials)` : c.label;
    const refFit = c.algorithm === 'tune' ? ref.searchSeconds! + ref.fitSeconds : ref.fitSeconds;
    lines.push(
      `| ${label} | ${cells.join(' | ')} | ${same} | ${seconds(ourFit)} | ${seconds(refFit)} | ${(ourFit / refFit).toFixed(2)}× | ${seconds(ours.wallSeconds)} |`,
    );
    console.log(`${problem.sample}: ${label} done`);
  }
  return lines;
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-results-'));
  try {
    const out: string[] = [
      '# Results: Millrace against the libraries it wraps',
      '',
      'Generated by `npm run results` (test/bench/results.ts). Each sample from the `vega-datasets` package is split once',
      '(seeded, 25 % test, stratified by the class for classification). Millrace fits with its fitter (workflows/ml/fit.py),',
      'exports ONNX and scores the test rows in Node with onnxruntime-node; the library columns are scikit-learn or LightGBM',
      'called directly (test/support/fit_reference.py) on the same split with the same parameters and a hand-written',
      'preprocessing (median imputation, one-hot encoding, standardisation for linear models). Metrics are computed on the',
      'test rows: Millrace\'s by its own metric code, the library\'s by scikit-learn\'s.',
      '',
      '*Fit s* is the time spent learning the preprocessing and fitting (for a tune step: every fold of every trial plus the refit);',
      '*ratio* is Millrace\'s over the library\'s. *Whole fitter s* is the fitter process end to end: starting Python,',
      'importing the libraries, reading the table, fitting, exporting ONNX and writing it. These tables are small, so most',
      'fits take milliseconds: the ratios there show fixed overheads (Millrace\'s fit runs scikit-learn\'s ColumnTransformer',
      'on a DataFrame) and the machine\'s load more than the algorithms, and the whole-fitter column is mostly Python\'s',
      'start-up. Timings vary from run to run; the metrics and predictions do not.',
      '',
      `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${process.platform}; generated ${new Date().toISOString().slice(0, 10)}.`,
      '',
    ];
    for (const problem of problems) {
      out.push(`## ${problem.sample}: ${problem.target} (${problem.classify ? 'classification' : 'regression'})`, '');
      out.push(...(await runProblem(dir, problem)), '');
    }
    const target = path.resolve('docs/results.md');
    await writeFile(target, out.join('\n'));
    console.log(`wrote ${target}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
