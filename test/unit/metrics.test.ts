import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonExecutable } from '../../server/setup/python';
import { classificationMetrics, regressionMetrics } from '../../workflows/steps/kit/metrics';

// Reference numbers come from scikit-learn itself, run in Millrace's own Python environment.
const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));

function sklearn(code: string, input: unknown): any {
  const script = `import json, sys\nfrom sklearn import metrics as m\nd = json.load(sys.stdin)\n${code}`;
  return JSON.parse(execFileSync(python, ['-c', script], { input: JSON.stringify(input) }).toString());
}

// A deterministic pseudo-random sequence, so the cases are varied but repeatable.
function lcg(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('evaluation metrics agree with scikit-learn', () => {
  it('classification: accuracy, macro precision/recall/F1 and the confusion matrix', () => {
    const rnd = lcg(42);
    const labels = ['cat', 'dog', 'emu', 'yak'];
    const truth = Array.from({ length: 300 }, () => labels[Math.floor(rnd() * 3)]!); // 'yak' never true
    const predicted = truth.map((t) => (rnd() < 0.7 ? t : labels[Math.floor(rnd() * 4)]!));
    const ours = classificationMetrics(truth, predicted);
    const ref = sklearn(
      `t, p = d['t'], d['p']\nlabels = d['labels']\nprint(json.dumps({'acc': m.accuracy_score(t, p), 'p': m.precision_score(t, p, average='macro', zero_division=0), 'r': m.recall_score(t, p, average='macro', zero_division=0), 'f': m.f1_score(t, p, average='macro', zero_division=0), 'cm': m.confusion_matrix(t, p, labels=labels).tolist()}))`,
      { t: truth, p: predicted, labels: ours.confusion.labels },
    );
    expect(ours.accuracy).toBeCloseTo(ref.acc, 12);
    expect(ours.precision_macro).toBeCloseTo(ref.p, 12);
    expect(ours.recall_macro).toBeCloseTo(ref.r, 12);
    expect(ours.f1_macro).toBeCloseTo(ref.f, 12);
    expect(ours.confusion.matrix).toEqual(ref.cm);
  });

  it('regression: RMSE, MAE and R²', () => {
    const rnd = lcg(7);
    const truth = Array.from({ length: 500 }, () => rnd() * 100 - 20);
    const predicted = truth.map((t) => t + (rnd() - 0.5) * 15);
    const ours = regressionMetrics(truth, predicted);
    const ref = sklearn(
      `t, p = d['t'], d['p']\nprint(json.dumps({'rmse': m.mean_squared_error(t, p) ** 0.5, 'mae': m.mean_absolute_error(t, p), 'r2': m.r2_score(t, p)}))`,
      { t: truth, p: predicted },
    );
    expect(ours.rmse).toBeCloseTo(ref.rmse, 9);
    expect(ours.mae).toBeCloseTo(ref.mae, 9);
    expect(ours.r2).toBeCloseTo(ref.r2, 9);
  });

  it('handles perfect and constant cases without dividing by zero', () => {
    expect(regressionMetrics([3, 3, 3], [3, 3, 3]).r2).toBe(1);
    expect(classificationMetrics(['a', 'a'], ['a', 'a']).f1_macro).toBe(1);
  });
});
