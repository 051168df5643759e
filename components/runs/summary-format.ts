import { formatNumber } from '../ui/format';

// How step summaries read: names for the keys steps report, and the one-line caption on a node.

export const METRIC_LABELS: Record<string, string> = {
  accuracy: 'Accuracy',
  precision_macro: 'Precision (macro)',
  recall_macro: 'Recall (macro)',
  f1_macro: 'F1 (macro)',
  rmse: 'RMSE',
  mae: 'MAE',
  r2: 'R²',
  roc_auc: 'ROC AUC',
  average_precision: 'Average precision',
  log_loss: 'Log loss',
  mape: 'MAPE',
  silhouette: 'Silhouette',
};

const KEY_LABELS: Record<string, string> = {
  rows: 'Rows',
  columns: 'Columns',
  trainRows: 'Train rows',
  testRows: 'Test rows',
  task: 'Task',
  rowsUsed: 'Rows used',
  rowsDroppedMissingTarget: 'Rows dropped (missing target)',
  classes: 'Classes',
  trainingSeconds: 'Training time',
  endpoint: 'Endpoint',
  modelVersion: 'Model version',
  passed: 'Passed',
  topFeatures: 'Top features (importance)',
  stratifyBy: 'Stratified by',
  testFraction: 'Test fraction',
  silhouetteRows: 'Silhouette rows',
  rankedBy: 'Ranked by',
  best: 'Best model',
};

export function summaryLabel(key: string): string {
  if (KEY_LABELS[key]) return KEY_LABELS[key];
  if (METRIC_LABELS[key]) return METRIC_LABELS[key];
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const num = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : undefined);

/** One short line for the node on the run graph, e.g. "accuracy 0.971". */
export function summaryCaption(summary: Record<string, unknown> | undefined): string | undefined {
  if (!summary) return undefined;
  if (typeof summary.passed === 'boolean') return summary.passed ? 'All rules passed' : 'Gate blocked the pipeline';
  if (typeof summary.expectationsFailed === 'number') {
    const total = [summary.expectationsMet, summary.expectationsFailed, summary.expectationsWarned].reduce<number>((s, v) => s + (typeof v === 'number' ? v : 0), 0);
    return `${num(summary.expectationsMet) ?? 0} of ${total} expectations met`;
  }
  if (typeof summary.best === 'string') return `best: ${summary.best}`;
  if (summary.download && typeof (summary.download as { fileName?: unknown }).fileName === 'string') {
    return `→ ${(summary.download as { fileName: string }).fileName}`;
  }
  if (typeof summary.silhouette === 'number') return `silhouette ${num(summary.silhouette)}`;
  if (typeof summary.accuracy === 'number') return `accuracy ${num(summary.accuracy)}`;
  if (typeof summary.r2 === 'number') return `R² ${num(summary.r2)} · RMSE ${num(summary.rmse) ?? '—'}`;
  if (typeof summary.endpoint === 'string') {
    return `→ ${summary.endpoint}${summary.modelVersion !== undefined ? ` v${String(summary.modelVersion)}` : ''}`;
  }
  if (typeof summary.trainRows === 'number') return `${num(summary.trainRows)} train · ${num(summary.testRows) ?? '—'} test`;
  if (typeof summary.rowsUsed === 'number') {
    const secs = typeof summary.trainingSeconds === 'number' ? ` · ${formatNumber(summary.trainingSeconds)} s` : '';
    return `${num(summary.rowsUsed)} rows${secs}`;
  }
  if (typeof summary.rows === 'number') {
    const cols = Array.isArray(summary.columns) ? summary.columns.length : summary.columns;
    return `${num(summary.rows)} rows${typeof cols === 'number' ? ` × ${cols} columns` : ''}`;
  }
  return undefined;
}
