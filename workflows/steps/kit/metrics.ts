// Evaluation metrics, pure. Checked against scikit-learn's numbers in test/unit/metrics.test.ts.

export interface ClassificationMetrics {
  task: 'classification';
  rows: number;
  accuracy: number;
  precision_macro: number;
  recall_macro: number;
  f1_macro: number;
  confusion: { labels: string[]; matrix: number[][] };
}

export interface RegressionMetrics {
  task: 'regression';
  rows: number;
  rmse: number;
  mae: number;
  r2: number;
}

export type Metrics = ClassificationMetrics | RegressionMetrics;

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
  let p = 0;
  let r = 0;
  let f = 0;
  for (const label of present) {
    const k = index.get(label)!;
    const tp = matrix[k]![k]!;
    const predictedK = matrix.reduce((s, row) => s + row[k]!, 0);
    const actualK = matrix[k]!.reduce((s, v) => s + v, 0);
    const precision = predictedK === 0 ? 0 : tp / predictedK;
    const recall = actualK === 0 ? 0 : tp / actualK;
    p += precision;
    r += recall;
    f += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  const n = present.length || 1;
  return {
    task: 'classification',
    rows: truth.length,
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    precision_macro: p / n,
    recall_macro: r / n,
    f1_macro: f / n,
    confusion: { labels, matrix },
  };
}

export function regressionMetrics(truth: number[], predicted: number[]): RegressionMetrics {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const n = truth.length;
  let se = 0;
  let ae = 0;
  let mean = 0;
  for (const t of truth) mean += t / n;
  let tss = 0;
  for (let i = 0; i < n; i++) {
    const d = truth[i]! - predicted[i]!;
    se += d * d;
    ae += Math.abs(d);
    tss += (truth[i]! - mean) ** 2;
  }
  return {
    task: 'regression',
    rows: n,
    rmse: n === 0 ? 0 : Math.sqrt(se / n),
    mae: n === 0 ? 0 : ae / n,
    r2: tss === 0 ? (se === 0 ? 1 : 0) : 1 - se / tss,
  };
}

/** The numeric metrics a gate can test, by name. */
export function numericMetrics(m: Metrics): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}
