import { z } from 'zod';
import type { DesignIssue } from '../../core/step';
import { defineFitStep, fitDataParams, hyperparameterNames, taskParam, type FitStepDefinition } from '../shared/fit-step';
import decisionTree from '../train.decision_tree/definition';
import gradientBoosting from '../train.gradient_boosting/definition';
import linearRegression from '../train.linear_regression/definition';
import logisticRegression from '../train.logistic_regression/definition';
import randomForest from '../train.random_forest/definition';

export const TUNABLE_ALGORITHMS = ['random_forest', 'gradient_boosting', 'decision_tree', 'logistic_regression', 'linear_regression'] as const;
type Tunable = (typeof TUNABLE_ALGORITHMS)[number];

/** The train step whose hyperparameters a search over each algorithm tries. */
const stepOf: Record<Tunable, FitStepDefinition> = {
  random_forest: randomForest,
  gradient_boosting: gradientBoosting,
  decision_tree: decisionTree,
  logistic_regression: logisticRegression,
  linear_regression: linearRegression,
};

export type GridValue = number | string | boolean | null;

/**
 * Reads a grid written as `name = value, value; name = value, …` (workflows/ml/fit.py reads it the same way):
 * numbers, true/false, none (= the parameter's default, e.g. unlimited depth) or words such as ridge.
 */
export function parseGrid(text: string): { grid: Record<string, GridValue[]> } | { error: string } {
  const grid: Record<string, GridValue[]> = {};
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) return { error: `"${part}" is not "name = value, value"` };
    const name = part.slice(0, eq).trim();
    const values = part
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v): GridValue => {
        const lower = v.toLowerCase();
        if (lower === 'none' || lower === 'null') return null;
        if (lower === 'true' || lower === 'false') return lower === 'true';
        const n = Number(v);
        return Number.isFinite(n) ? n : v;
      });
    if (!values.length) return { error: `no values for "${name}"` };
    grid[name] = values;
  }
  if (!Object.keys(grid).length) return { error: 'the grid is empty' };
  return { grid };
}

export const MAX_GRID_CANDIDATES = 500;

function checkGrid(algorithm: Tunable, text: string | undefined): DesignIssue[] {
  if (text === undefined || !text.trim()) return [];
  const parsed = parseGrid(text);
  if ('error' in parsed) return [{ path: 'params.grid', message: `Grid: ${parsed.error}` }];
  const step = stepOf[algorithm];
  const names = hyperparameterNames(step).filter((n) => n !== 'seed');
  const issues: DesignIssue[] = [];
  let candidates = 1;
  for (const [name, values] of Object.entries(parsed.grid)) {
    candidates *= values.length;
    if (!names.includes(name)) {
      issues.push({ path: 'params.grid', message: `Grid: ${step.title.toLowerCase()} has no hyperparameter "${name}" (it has ${names.join(', ')})` });
      continue;
    }
    const schema = step.params.shape[name] as z.ZodType;
    for (const v of values) {
      const r = schema.safeParse(v ?? undefined);
      if (!r.success) issues.push({ path: 'params.grid', message: `Grid: ${String(v)} is not a valid ${name}: ${r.error.issues[0]?.message ?? 'invalid'}` });
    }
  }
  if (candidates > MAX_GRID_CANDIDATES) {
    issues.push({ path: 'params.grid', message: `Grid: ${candidates} combinations; at most ${MAX_GRID_CANDIDATES}` });
  }
  return issues;
}

export default defineFitStep({
  type: 'train.tune',
  title: 'Tune hyperparameters',
  summary: 'Tries many settings of one algorithm by cross-validation and keeps the best.',
  help:
    'Searches the hyperparameters of one algorithm by k-fold cross-validation on the training table — accuracy for ' +
    'classification, R² for regression — reports every trial in a table and a chart, and outputs the best candidate ' +
    'refitted on every row. Grid search tries every combination of a grid (a built-in one, or yours, written as ' +
    '"trees = 100, 300; maxDepth = 4, 8, none"); random search draws the given number of trials from wide built-in ' +
    'ranges, or from your grid. Preprocessing is learned inside each fold, so no fold sees its held-out rows.',
  algorithm: 'tune',
  task: (p) => (p.algorithm === 'linear_regression' ? 'regression' : p.algorithm === 'logistic_regression' ? 'classification' : p.task),
  params: z.object({
    ...fitDataParams,
    task: taskParam({ advanced: true }),
    algorithm: z
      .enum(TUNABLE_ALGORITHMS)
      .default('random_forest')
      .meta({ title: 'Algorithm', description: 'The algorithm whose hyperparameters are searched', advanced: true }),
    search: z
      .enum(['grid', 'random'])
      .default('grid')
      .meta({ title: 'Search', description: 'Grid: every combination; random: a number of draws', advanced: true }),
    grid: z
      .string()
      .max(2000)
      .optional()
      .meta({
        title: 'Grid',
        description: 'e.g. "trees = 100, 300; maxDepth = 4, 8, none"; empty = a built-in grid for the algorithm',
        advanced: true,
      }),
    trials: z.number().int().min(1).max(500).default(20).meta({ title: 'Trials', description: 'Random search only', advanced: true }),
    folds: z.number().int().min(2).max(20).default(5).meta({ title: 'Folds (k)', advanced: true }),
    seed: z.number().int().min(0).default(0).meta({ title: 'Seed', description: 'Folds, random draws and the models', advanced: true }),
  }),
  check: ({ params }) => checkGrid(params.algorithm, params.grid),
});
