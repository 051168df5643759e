import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonExecutable } from '../../server/setup/python';
import { classificationMetrics, probabilityMetrics, regressionMetrics, silhouette, thin } from '../../workflows/steps/kit/metrics';

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

describe('per-class, probability and clustering metrics agree with scikit-learn', () => {
  it('per class: precision, recall, F1 and support for each label', () => {
    const rnd = lcg(3);
    const labels = ['Adélie', 'Gentoo "g"', 'chin strap'];
    const truth = Array.from({ length: 200 }, () => labels[Math.floor(rnd() * 3)]!);
    const predicted = truth.map((t) => (rnd() < 0.6 ? t : labels[Math.floor(rnd() * 3)]!));
    const ours = classificationMetrics(truth, predicted);
    const ref = sklearn(
      `p, r, f, s = m.precision_recall_fscore_support(d['t'], d['p'], labels=d['labels'], zero_division=0)\nprint(json.dumps([p.tolist(), r.tolist(), f.tolist(), s.tolist()]))`,
      { t: truth, p: predicted, labels: ours.per_class.map((c) => c.label) },
    );
    ours.per_class.forEach((c, k) => {
      expect(c.precision).toBeCloseTo(ref[0][k], 12);
      expect(c.recall).toBeCloseTo(ref[1][k], 12);
      expect(c.f1).toBeCloseTo(ref[2][k], 12);
      expect(c.support).toBe(ref[3][k]);
    });
  });

  // Scores rounded to two decimals so that many rows tie, which is where curve code usually goes wrong.
  function probabilities(rnd: () => number, truth: string[], classes: string[]): number[][] {
    return truth.map((t) => {
      const raw = classes.map((c) => Math.round((rnd() + (c === t ? 0.6 : 0)) * 100) / 100 + 0.01);
      const sum = raw.reduce((a, b) => a + b, 0);
      return raw.map((v) => v / sum);
    });
  }

  it('binary: ROC AUC, average precision, log loss, and the ROC and PR curves point by point', () => {
    const rnd = lcg(11);
    const classes = ['no', 'yes'];
    const truth = Array.from({ length: 400 }, () => (rnd() < 0.35 ? 'yes' : 'no'));
    // Two-decimal positive-class scores: heavy ties.
    const probs = truth.map((t) => {
      const p = Math.min(1, Math.max(0, Math.round((rnd() * 0.7 + (t === 'yes' ? 0.3 : 0)) * 100) / 100));
      return [1 - p, p];
    });
    probs[0] = [1, 0]; // a certain and wrong-or-right prediction exercises the log-loss clip
    const ours = probabilityMetrics(truth, probs, classes);
    const ref = sklearn(
      `import numpy as np\ny = np.array([1 if t == 'yes' else 0 for t in d['t']]); P = np.array(d['p']); s = P[:, 1]\n` +
        `fpr, tpr, _ = m.roc_curve(y, s, drop_intermediate=False)\npr, rc, _ = m.precision_recall_curve(y, s)\n` +
        `print(json.dumps({'auc': m.roc_auc_score(y, s), 'ap': m.average_precision_score(y, s), 'll': m.log_loss(d['t'], P, labels=d['c']), ` +
        `'roc': np.column_stack([fpr, tpr]).tolist(), 'pr': np.column_stack([rc[::-1], pr[::-1]]).tolist()}))`,
      { t: truth, p: probs, c: classes },
    );
    expect(ours.roc_auc).toBeCloseTo(ref.auc, 12);
    expect(ours.average_precision).toBeCloseTo(ref.ap, 12);
    expect(ours.log_loss).toBeCloseTo(ref.ll, 10);
    expect(ours.roc).toHaveLength(1);
    expect(ours.roc[0]!.points.length).toBe(ref.roc.length);
    ours.roc[0]!.points.forEach(([x, y], k) => {
      expect(x).toBeCloseTo(ref.roc[k][0], 12);
      expect(y).toBeCloseTo(ref.roc[k][1], 12);
    });
    expect(ours.pr[0]!.points.length).toBe(ref.pr.length);
    ours.pr[0]!.points.forEach(([x, y], k) => {
      expect(x).toBeCloseTo(ref.pr[k][0], 12);
      expect(y).toBeCloseTo(ref.pr[k][1], 12);
    });
  });

  it('multiclass: one-vs-rest macro ROC AUC and average precision, log loss', () => {
    const rnd = lcg(5);
    const classes = ['Adelie', 'Chinstrap', 'Gentoo'];
    const truth = Array.from({ length: 300 }, () => classes[Math.floor(rnd() * 3)]!);
    const probs = probabilities(rnd, truth, classes);
    const ours = probabilityMetrics(truth, probs, classes);
    const ref = sklearn(
      `import numpy as np\nP = np.array(d['p'])\nprint(json.dumps({'auc': m.roc_auc_score(d['t'], P, multi_class='ovr', average='macro', labels=d['c']), ` +
        `'ap': m.average_precision_score(d['t'], P, average='macro'), 'll': m.log_loss(d['t'], P, labels=d['c'])}))`,
      { t: truth, p: probs, c: classes },
    );
    expect(ours.roc_auc).toBeCloseTo(ref.auc, 12);
    expect(ours.average_precision).toBeCloseTo(ref.ap, 12);
    expect(ours.log_loss).toBeCloseTo(ref.ll, 10);
    expect(ours.roc.map((c) => c.name)).toEqual(classes);
  });

  it('regression: MAPE, including a true value of zero', () => {
    const rnd = lcg(9);
    const truth = Array.from({ length: 200 }, () => Math.round((rnd() * 50 - 10) * 10) / 10);
    truth[3] = 0;
    const predicted = truth.map((t) => t + (rnd() - 0.5) * 4);
    const ref = sklearn(`print(json.dumps(m.mean_absolute_percentage_error(d['t'], d['p'])))`, { t: truth, p: predicted });
    // The zero truth makes the reference huge (|e| / 2.2e-16): compare relatively.
    expect(regressionMetrics(truth, predicted).mape / ref).toBeCloseTo(1, 12);
    const nonZero = truth.map((t) => Math.abs(t) + 1);
    const ref2 = sklearn(`print(json.dumps(m.mean_absolute_percentage_error(d['t'], d['p'])))`, { t: nonZero, p: predicted });
    expect(regressionMetrics(nonZero, predicted).mape).toBeCloseTo(ref2, 12);
  });

  it('clustering: the silhouette, with a cluster of one row', () => {
    const rnd = lcg(21);
    const centres = [[0, 0, 0], [5, 5, 1], [0, 6, 3]];
    const labels: number[] = [];
    const points = Array.from({ length: 150 }, (_, i) => {
      const c = i % 3;
      labels.push(c);
      return centres[c]!.map((v) => v + (rnd() - 0.5) * 4);
    });
    points.push([20, 20, 20]);
    labels.push(7);
    const ref = sklearn(`print(json.dumps(m.silhouette_score(d['x'], d['l'])))`, { x: points, l: labels });
    expect(silhouette(points, labels)).toBeCloseTo(ref, 12);
    expect(() => silhouette([[0], [1]], [1, 1])).toThrow(/between 2 and 1 clusters/);
  });

  it('thins long curves to a bounded number of points, keeping both ends', () => {
    const xs = Array.from({ length: 1001 }, (_, i) => i);
    const t = thin(xs, 500);
    expect(t).toHaveLength(500);
    expect(t[0]).toBe(0);
    expect(t.at(-1)).toBe(1000);
    expect(thin([1, 2], 500)).toEqual([1, 2]);
  });
});
