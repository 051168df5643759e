// Evaluation metrics, pure. Checked against scikit-learn's numbers in test/unit/metrics.test.ts.

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose true class is this one. */
  support: number;
}

export interface ClassificationMetrics {
  task: 'classification';
  rows: number;
  accuracy: number;
  precision_macro: number;
  recall_macro: number;
  f1_macro: number;
  /** Given class probabilities: binary, the AUC of the second class; multiclass, the one-vs-rest macro average. */
  roc_auc?: number;
  average_precision?: number;
  log_loss?: number;
  per_class: ClassMetrics[];
  confusion: { labels: string[]; matrix: number[][] };
}

export interface RegressionMetrics {
  task: 'regression';
  rows: number;
  rmse: number;
  mae: number;
  r2: number;
  /** A fraction, as scikit-learn reports it (0.1 = 10 %); true values of 0 count with a tiny denominator. */
  mape: number;
}

export interface ClusteringMetrics {
  task: 'clustering';
  rows: number;
  clusters: number;
  /** Mean silhouette coefficient, −1…1; computed on at most `silhouetteRows` rows. */
  silhouette: number;
  silhouetteRows: number;
  sizes: { cluster: string; rows: number }[];
}

export type Metrics = ClassificationMetrics | RegressionMetrics | ClusteringMetrics;

function f1Of(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** Macro averages over the labels seen in truth or predictions (scikit-learn's default); 0 where undefined. */
export function classificationMetrics(truth: string[], predicted: string[], knownLabels: string[] = []): ClassificationMetrics {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const labels = [...new Set([...knownLabels, ...truth, ...predicted])];
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    matrix[index.get(truth[i]!)!]![index.get(predicted[i]!)!]! += 1;
    if (truth[i] === predicted[i]) correct += 1;
  }
  // Labels present in truth or predictions take part in the macro average.
  const present = labels.filter((_, k) => matrix[k]!.some((v) => v > 0) || matrix.some((row) => row[k]! > 0));
  const perClass = present.map((label): ClassMetrics => {
    const k = index.get(label)!;
    const tp = matrix[k]![k]!;
    const predictedK = matrix.reduce((s, row) => s + row[k]!, 0);
    const actualK = matrix[k]!.reduce((s, v) => s + v, 0);
    const precision = predictedK === 0 ? 0 : tp / predictedK;
    const recall = actualK === 0 ? 0 : tp / actualK;
    return { label, precision, recall, f1: f1Of(precision, recall), support: actualK };
  });
  const mean = (pick: (c: ClassMetrics) => number) => perClass.reduce((s, c) => s + pick(c), 0) / (perClass.length || 1);
  return {
    task: 'classification',
    rows: truth.length,
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    precision_macro: mean((c) => c.precision),
    recall_macro: mean((c) => c.recall),
    f1_macro: mean((c) => c.f1),
    per_class: perClass,
    confusion: { labels, matrix },
  };
}

export interface Curve {
  /** x and y of each point, in the order drawn. */
  points: [number, number][];
}

/**
 * The ROC curve of a binary problem at every distinct score, as scikit-learn's
 * `roc_curve(drop_intermediate=False)`: starts at (0, 0), ends at (1, 1). Undefined without both classes.
 */
export function rocCurve(positive: boolean[], scores: number[]): Curve | undefined {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const pos = positive.filter(Boolean).length;
  const neg = positive.length - pos;
  if (pos === 0 || neg === 0) return undefined;
  const points: [number, number][] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j]!;
    if (positive[i]) tp++;
    else fp++;
    // One point per distinct threshold: after the last row with this score.
    if (j === order.length - 1 || scores[order[j + 1]!] !== scores[i]) points.push([fp / neg, tp / pos]);
  }
  return { points };
}

/** Area under a curve by the trapezoidal rule (x must be monotonic). */
export function trapezoid(points: [number, number][]): number {
  let area = 0;
  for (let k = 1; k < points.length; k++) area += ((points[k]![0] - points[k - 1]![0]) * (points[k]![1] + points[k - 1]![1])) / 2;
  return Math.abs(area);
}

/**
 * The precision–recall curve at every distinct score, points as (recall, precision) from the highest
 * threshold down, preceded by scikit-learn's (0, 1) start; and the average precision
 * Σ (Rₙ − Rₙ₋₁) Pₙ (scikit-learn's `average_precision_score`). Undefined without positives.
 */
export function precisionRecallCurve(positive: boolean[], scores: number[]): (Curve & { averagePrecision: number }) | undefined {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const pos = positive.filter(Boolean).length;
  if (pos === 0) return undefined;
  const points: [number, number][] = [[0, 1]];
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let lastRecall = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j]!;
    if (positive[i]) tp++;
    else fp++;
    if (j === order.length - 1 || scores[order[j + 1]!] !== scores[i]) {
      const recall = tp / pos;
      const precision = tp / (tp + fp);
      ap += (recall - lastRecall) * precision;
      lastRecall = recall;
      points.push([recall, precision]);
    }
  }
  return { points, averagePrecision: ap };
}

const EPS = 2.220446049250313e-16; // float64 machine epsilon, scikit-learn's clip for log loss

export interface ProbabilityMetrics {
  roc_auc?: number;
  average_precision?: number;
  log_loss: number;
  /** One curve per class (one-vs-rest), or one for the positive class of a binary problem. */
  roc: { name: string; points: [number, number][] }[];
  pr: { name: string; points: [number, number][] }[];
}

/**
 * Metrics from class probabilities. `probabilities[i][k]` is row i's probability of `classes[k]`.
 * Binary (two classes): the second class is the positive one, as in scikit-learn. Multiclass: one-vs-rest
 * macro averages over the classes that occur in the truth. Log loss clips probabilities to [ε, 1−ε].
 */
export function probabilityMetrics(truth: string[], probabilities: number[][], classes: string[]): ProbabilityMetrics {
  if (truth.length !== probabilities.length) throw new Error('truth and probabilities differ in length');
  const index = new Map(classes.map((c, k) => [c, k]));
  let loss = 0;
  for (let i = 0; i < truth.length; i++) {
    const k = index.get(truth[i]!);
    const p = k === undefined ? 0 : probabilities[i]![k]!;
    loss -= Math.log(Math.min(Math.max(p, EPS), 1 - EPS));
  }
  const logLoss = truth.length === 0 ? 0 : loss / truth.length;
  const oneVsRest = (k: number) => {
    const positive = truth.map((t) => t === classes[k]);
    const scores = probabilities.map((row) => row[k]!);
    return { roc: rocCurve(positive, scores), pr: precisionRecallCurve(positive, scores) };
  };
  if (classes.length === 2) {
    const { roc, pr } = oneVsRest(1);
    return {
      roc_auc: roc ? trapezoid(roc.points) : undefined,
      average_precision: pr?.averagePrecision,
      log_loss: logLoss,
      roc: roc ? [{ name: classes[1]!, points: roc.points }] : [],
      pr: pr ? [{ name: classes[1]!, points: pr.points }] : [],
    };
  }
  const roc: ProbabilityMetrics['roc'] = [];
  const pr: ProbabilityMetrics['pr'] = [];
  const aucs: number[] = [];
  const aps: number[] = [];
  classes.forEach((name, k) => {
    const curves = oneVsRest(k);
    if (curves.roc) {
      roc.push({ name, points: curves.roc.points });
      aucs.push(trapezoid(curves.roc.points));
    }
    if (curves.pr) {
      pr.push({ name, points: curves.pr.points });
      aps.push(curves.pr.averagePrecision);
    }
  });
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
  return { roc_auc: mean(aucs), average_precision: mean(aps), log_loss: logLoss, roc, pr };
}

export function regressionMetrics(truth: number[], predicted: number[]): RegressionMetrics {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const n = truth.length;
  let se = 0;
  let ae = 0;
  let ape = 0;
  let mean = 0;
  for (const t of truth) mean += t / n;
  let tss = 0;
  for (let i = 0; i < n; i++) {
    const d = truth[i]! - predicted[i]!;
    se += d * d;
    ae += Math.abs(d);
    ape += Math.abs(d) / Math.max(Math.abs(truth[i]!), EPS);
    tss += (truth[i]! - mean) ** 2;
  }
  return {
    task: 'regression',
    rows: n,
    rmse: n === 0 ? 0 : Math.sqrt(se / n),
    mae: n === 0 ? 0 : ae / n,
    r2: tss === 0 ? (se === 0 ? 1 : 0) : 1 - se / tss,
    mape: n === 0 ? 0 : ape / n,
  };
}

/**
 * Mean silhouette coefficient with Euclidean distance (scikit-learn's `silhouette_score`): for each
 * row, a = mean distance to the rest of its cluster, b = the smallest mean distance to another
 * cluster, s = (b − a) / max(a, b), and 0 for a cluster of one. Needs 2 ≤ clusters ≤ rows − 1.
 * Quadratic in the rows: callers sample large tables.
 */
export function silhouette(points: number[][], labels: (string | number)[]): number {
  const n = points.length;
  if (n !== labels.length) throw new Error('points and labels differ in length');
  const ids = [...new Set(labels)];
  if (ids.length < 2 || ids.length > n - 1) {
    throw new Error(`The silhouette needs between 2 and ${n - 1} clusters; found ${ids.length}`);
  }
  const cluster = labels.map((l) => ids.indexOf(l));
  const sizes = ids.map((_, c) => cluster.filter((x) => x === c).length);
  const sums = new Float64Array(ids.length);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    const p = points[i]!;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const q = points[j]!;
      let d2 = 0;
      for (let k = 0; k < p.length; k++) d2 += (p[k]! - q[k]!) ** 2;
      sums[cluster[j]!]! += Math.sqrt(d2);
    }
    const own = cluster[i]!;
    if (sizes[own]! <= 1) continue; // s = 0
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < ids.length; c++) if (c !== own) b = Math.min(b, sums[c]! / sizes[c]!);
    const m = Math.max(a, b);
    total += m === 0 ? 0 : (b - a) / m;
  }
  return total / n;
}

/** At most `max` items, evenly spaced, always keeping the first and the last (for charts). */
export function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const out: T[] = [];
  for (let k = 0; k < max; k++) out.push(items[Math.round((k * (items.length - 1)) / (max - 1))]!);
  return out;
}

/** The numeric metrics a gate can test, by name. */
export function numericMetrics(m: Metrics): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}
