import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonExecutable } from '../../server/infra/python-paths';

// workflows/ml/fast_trees.py replaces skl2onnx's per-node loop for forests and trees and drops
// attributes the scorer never needs; workflows/ml/test_fast_trees.py compares it with skl2onnx and
// scikit-learn on forests and single trees, classification (2 and 3 classes) and regression.
const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));

interface Case {
  case: string;
  identicalToSkl2onnx: boolean;
  slimOutputsEqual: boolean;
  slimEqualsSklearn: boolean;
  bytes: number;
  slimBytes: number;
}

describe('fast tree export', () => {
  it('writes what skl2onnx writes, and slimmed predicts the same as scikit-learn in fewer bytes', () => {
    const script = path.resolve('workflows/ml/test_fast_trees.py');
    const cases = JSON.parse(execFileSync(python, [script], { encoding: 'utf8' })) as Case[];
    expect(cases.map((c) => c.case)).toEqual(['forest, 3 classes', 'forest, 2 classes', 'forest, regression', 'tree, 3 classes', 'tree, regression']);
    for (const c of cases) {
      expect(c, c.case).toMatchObject({ identicalToSkl2onnx: true, slimOutputsEqual: true, slimEqualsSklearn: true });
      expect(c.slimBytes, c.case).toBeLessThan(c.bytes);
    }
  }, 120_000);
});
