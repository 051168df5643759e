import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitScriptPath, pythonExecutable } from '../../server/infra/python-paths';
import { catalog } from '../../workflows/steps/catalog';
import { FIT_ALGORITHMS, hyperparameterNames, type FitStepDefinition } from '../../workflows/steps/shared/fit-step';

// The train steps' parameters and workflows/ml/fit.py must agree exactly: neither side may accept
// what the other cannot send.
const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));

describe('fitter contract', () => {
  it('the fitter accepts exactly the hyperparameters each train step declares', () => {
    const accepted = JSON.parse(execFileSync(python, [fitScriptPath, '--describe'], { encoding: 'utf8' })) as Record<string, string[]>;
    const fitSteps = Object.values(catalog).filter((d): d is FitStepDefinition => 'fit' in d);
    expect(fitSteps.length).toBeGreaterThan(0);
    const declared: Record<string, string[]> = {};
    for (const def of fitSteps) {
      const names = hyperparameterNames(def).sort();
      declared[def.fit.algorithm] = [...new Set([...(declared[def.fit.algorithm] ?? []), ...names])].sort();
    }
    expect(declared).toEqual(accepted);
    expect(Object.keys(accepted).sort()).toEqual([...FIT_ALGORITHMS].sort());
  });
});
