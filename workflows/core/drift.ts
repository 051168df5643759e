import { columnKind } from './table-schema';

// The drift methods Millrace knows, their defaults and names. Isomorphic: the monitor.drift step's form and
// the DuckDB statistics (server/infra/drift.ts) both read them.

export const NUMERIC_DRIFT_METHODS = ['wasserstein', 'ks', 'psi', 'jensen_shannon'] as const;
export const CATEGORICAL_DRIFT_METHODS = ['jensen_shannon', 'psi', 'chi_squared'] as const;
export type NumericDriftMethod = (typeof NUMERIC_DRIFT_METHODS)[number];
export type CategoricalDriftMethod = (typeof CATEGORICAL_DRIFT_METHODS)[number];
export type DriftMethod = NumericDriftMethod | CategoricalDriftMethod;

/** Methods whose score is a p-value: drift when it falls below the threshold; the others are distances. */
export const P_VALUE_METHODS: readonly DriftMethod[] = ['ks', 'chi_squared'];

/** Evidently's defaults: distances 0.1, p-values 0.05. */
export const DEFAULT_DRIFT_THRESHOLDS: Record<DriftMethod, number> = {
  wasserstein: 0.1,
  ks: 0.05,
  psi: 0.1,
  jensen_shannon: 0.1,
  chi_squared: 0.05,
};

export const DRIFT_METHOD_TITLES: Record<DriftMethod, string> = {
  wasserstein: 'Wasserstein (normalised)',
  ks: 'Kolmogorov–Smirnov p-value',
  psi: 'PSI',
  jensen_shannon: 'Jensen–Shannon distance',
  chi_squared: 'Chi-squared p-value',
};

/** Whether a score crosses its method's threshold: p-values below it, distances at or above it. */
export function isDrift(method: DriftMethod, score: number, threshold: number): boolean {
  return P_VALUE_METHODS.includes(method) ? score < threshold : score >= threshold;
}

/** How a column is compared: numbers one way, text and booleans another; other types are left out. */
export function driftKind(type: string): 'numeric' | 'categorical' | undefined {
  const kind = columnKind(type);
  if (kind === 'number') return 'numeric';
  if (kind === 'text' || kind === 'boolean') return 'categorical';
  return undefined;
}
