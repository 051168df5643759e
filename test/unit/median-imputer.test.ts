import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonExecutable } from '../../server/infra/python-paths';

// workflows/ml/median_imputer.py finds a median imputer's statistics with numpy's nanmedian instead of
// scikit-learn's sorting masked median; workflows/ml/test_median_imputer.py checks the statistics, the
// transformed rows and the ONNX export against SimpleImputer's (odd and even counts, ties, extreme values,
// empty and constant columns, the missing indicator).
const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));

describe('median imputer', () => {
  it('learns and exports exactly what SimpleImputer(strategy="median") does', () => {
    const script = path.resolve('workflows/ml/test_median_imputer.py');
    const results = JSON.parse(execFileSync(python, [script], { encoding: 'utf8' })) as Record<string, string>;
    expect(Object.keys(results).sort()).toEqual([
      'test_onnx_export_is_simple_imputers',
      'test_other_strategies_are_simple_imputers',
      'test_same_statistics_odd_and_even_counts_and_empty_columns',
    ]);
    for (const [name, outcome] of Object.entries(results)) expect(outcome, name).toBe('ok');
  }, 120_000);
});
