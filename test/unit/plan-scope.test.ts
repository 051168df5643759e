import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../workflows/steps/catalog';
import { compilePipeline } from '../../workflows/core/compiler';
import { planUpTo } from '../../workflows/core/plan-scope';
import type { Plan } from '../../workflows/core/plan';
import { datasetNameFromFile, datasetNameProblem, DATASET_NAME } from '../../workflows/core/dataset-name';

const example = JSON.parse(fs.readFileSync(path.resolve('server/examples/penguin-species.json'), 'utf8'));
const plan = (() => {
  const r = compilePipeline(example, catalog);
  if (!r.ok) throw new Error('the example compiles');
  return r.plan;
})();
const ids = (p: Plan) => p.steps.map((s) => s.id);

describe('planUpTo', () => {
  it('keeps a middle step and its ancestors only, in plan order', () => {
    const r = planUpTo(plan, 'split');
    expect(r.ok && ids(r.plan)).toEqual(['load', 'split']);
  });

  it('follows every input of a step with several (eval needs train and split)', () => {
    const r = planUpTo(plan, 'gate');
    expect(r.ok && ids(r.plan)).toEqual(['load', 'split', 'train', 'eval', 'gate']);
  });

  it('refuses a deploy step itself, saying why and what to do', () => {
    const r = planUpTo(plan, 'ship');
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/^Cannot preview up to "ship": it deploys a model.*Preview the step that feeds it instead$/) });
  });

  it('refuses a step downstream of one that acts outside the run, naming that step', () => {
    const withAlert: Plan = {
      ...plan,
      steps: [...plan.steps, { ...plan.steps.find((s) => s.id === 'gate')!, id: 'after', type: 'prepare.select', dependsOn: ['ship'] }],
    };
    const r = planUpTo(withAlert, 'after');
    expect(r).toEqual({ ok: false, message: expect.stringContaining('it depends on "ship", which deploys a model') });
  });

  it('refuses a step the version does not have', () => {
    expect(planUpTo(plan, 'nope')).toEqual({ ok: false, message: expect.stringContaining('There is no step "nope"') });
  });
});

describe('dataset names from the browser', () => {
  it('makes a valid name from a file name', () => {
    for (const [file, name] of [
      ['Penguins 2024.csv', 'penguins-2024'],
      ['__sales (final).parquet', 'sales-final'],
      ['data.v2.json', 'data.v2'],
    ]) {
      expect(datasetNameFromFile(file)).toBe(name);
      expect(DATASET_NAME.test(name)).toBe(true);
    }
  });

  it('explains a name it cannot take', () => {
    expect(datasetNameProblem('')).toBe('Give the dataset a name');
    expect(datasetNameProblem('My Data')).toBe('Use lowercase letters: "my data"');
    expect(datasetNameProblem('my data')).toBe('No spaces: "my-data" would do');
    expect(datasetNameProblem('-x')).toBe('Start with a letter or a digit');
    expect(datasetNameProblem('a/b')).toMatch(/^Not allowed: "\/"/);
    expect(datasetNameProblem('x'.repeat(64))).toBe('At most 63 characters (this one has 64)');
    expect(datasetNameProblem('sales.v2_final-1')).toBeUndefined();
  });
});
