import { DOUBLE, INTEGER, LIST, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import {
  DEFAULT_DRIFT_THRESHOLDS,
  driftKind,
  isDrift,
  type CategoricalDriftMethod,
  type DriftMethod,
  type NumericDriftMethod,
} from '../../workflows/core/drift';
import { chiSquaredSf, ksTwoSamplePValue } from './drift-pvalues';
import { quoteIdent, quoteLiteral } from './duckdb';
import { ServiceError } from './errors';

// Data drift between a reference and a current table, computed in DuckDB: per column one or two grouped
// passes over both tables; only aggregates (bins, categories, sums) come back to JavaScript.

/** A proportion of 0 becomes this in PSI (as Evidently does), so an empty bin gives a large but finite term. */
export const PSI_EPSILON = 0.0001;
/** Wasserstein distances are divided by the reference's standard deviation, at least this (as Evidently). */
export const MIN_WASSERSTEIN_NORM = 0.001;

/** A table to compare: a Parquet file, or any DuckDB relation (a parenthesised query, a view name). */
export type DriftSource = { parquet: string } | { relation: string };

export interface DriftOptions {
  /** Columns to compare; default every column both tables have (minus `exclude`). */
  columns?: string[];
  exclude?: string[];
  numericMethod?: NumericDriftMethod;
  categoricalMethod?: CategoricalDriftMethod;
  thresholds?: Partial<Record<DriftMethod, number>>;
  /** Quantile bins of the reference for PSI and Jensen–Shannon on numbers (10: deciles). */
  bins?: number;
  /** Bars per histogram in the distribution overlays. */
  histogramBins?: number;
  /** Categories shown per overlay; the rest are summed as "(other)". */
  topCategories?: number;
  /** The dataset drifts when at least this share of the features drift. */
  driftShare?: number;
}

export interface DriftStatistics {
  psi: number | null;
  jensenShannon: number | null;
  /** Numbers only. */
  ks?: number | null;
  ksPValue?: number | null;
  wasserstein?: number | null;
  /** Wasserstein distance before normalising, in the column's units. */
  wassersteinRaw?: number | null;
  /** The reference's quantiles that bound the PSI and Jensen–Shannon bins. */
  quantiles?: number[];
  /** Categories only (text, boolean): the test of homogeneity on the 2 × k table of counts. */
  chiSquared?: number | null;
  chiSquaredPValue?: number | null;
  chiSquaredDof?: number | null;
}

export interface DistributionOverlay {
  /** 'histogram': equal-width bins over both tables' range (label = bin centre); 'categories': the most frequent ones. */
  kind: 'histogram' | 'categories';
  labels: string[];
  /** Bin centres of a histogram. */
  centres?: number[];
  reference: number[];
  current: number[];
}

export interface FeatureDrift {
  column: string;
  type: string;
  kind: 'numeric' | 'categorical';
  method: DriftMethod;
  /** The method's statistic (a p-value for KS and chi-squared); null when a table has no values in the column. */
  score: number | null;
  threshold: number;
  drifted: boolean;
  referenceRows: number;
  currentRows: number;
  referenceNulls: number;
  currentNulls: number;
  statistics: DriftStatistics;
  distribution: DistributionOverlay;
}

export interface DriftReport {
  referenceRows: number;
  currentRows: number;
  features: FeatureDrift[];
  driftedFeatures: number;
  driftShare: number;
  driftShareThreshold: number;
  datasetDrift: boolean;
  settings: {
    numericMethod: NumericDriftMethod;
    categoricalMethod: CategoricalDriftMethod;
    thresholds: Record<DriftMethod, number>;
    bins: number;
    psiEpsilon: number;
  };
}

const bad = (message: string) => new ServiceError('invalid', message);

function sourceSql(source: DriftSource): string {
  return 'parquet' in source ? `read_parquet(${quoteLiteral(source.parquet)})` : source.relation;
}

async function rowsOf(conn: DuckDBConnection, sql: string, values?: Record<string, DuckDBValue>, types?: Record<string, DuckDBType>): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql, values, types)).getRowObjectsJS() as Record<string, unknown>[];
}

/** A number column's value as DOUBLE; NaN and ±infinity count as missing, like NULL (no distance is defined for them). */
const finiteValue = (col: string) => `(CASE WHEN isfinite(${col}::DOUBLE) THEN ${col}::DOUBLE END)`;

/** A number as a DOUBLE literal: a plain literal like 0.00054 would be a DECIMAL, and slow arithmetic. */
const dbl = (v: number) => `(${v}::DOUBLE)`;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

async function describe(conn: DuckDBConnection, from: string): Promise<Map<string, string>> {
  const described = await rowsOf(conn, `DESCRIBE SELECT * FROM ${from}`);
  return new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
}

/**
 * PSI, Jensen–Shannon distance (natural logarithm, as scipy's default) and the chi-squared test of
 * homogeneity over a relation of counts per bin or category (`r`, `c`, DOUBLE), in SQL so that a column
 * with a million categories never leaves DuckDB.
 */
function divergenceSql(counts: string): string {
  const eps = PSI_EPSILON;
  return `
    WITH t AS (SELECT sum(r) AS nr, sum(c) AS nc, count(*) AS k FROM ${counts}),
    p AS (SELECT r, c, r / nr AS pr, c / nc AS pc, (r + c) / (nr + nc) AS pooled, nr, nc FROM ${counts}, t)
    SELECT
      sum((CASE WHEN pc = 0 THEN ${eps} ELSE pc END - CASE WHEN pr = 0 THEN ${eps} ELSE pr END)
          * ln(CASE WHEN pc = 0 THEN ${eps} ELSE pc END / CASE WHEN pr = 0 THEN ${eps} ELSE pr END)) AS psi,
      sqrt(greatest(0, (sum(CASE WHEN pr > 0 THEN pr * ln(2 * pr / (pr + pc)) ELSE 0 END)
                      + sum(CASE WHEN pc > 0 THEN pc * ln(2 * pc / (pr + pc)) ELSE 0 END)) / 2)) AS js,
      sum(CASE WHEN pooled > 0 THEN (r - pooled * nr) ^ 2 / (pooled * nr) + (c - pooled * nc) ^ 2 / (pooled * nc) ELSE 0 END) AS chi2,
      count(*) FILTER (WHERE r + c > 0) AS k
    FROM p`;
}

interface Side {
  from: string;
  rows: number;
}

/**
 * Fine bins per histogram bar. Finer bins cost more to group but leave fewer bins to sort (the ones where
 * the difference of the CDFs changes sign).
 */
const FINE_PER_BAR = 5000;

interface NumberSummary {
  n: number;
  sd: number;
  lo: number;
  hi: number;
}

/** Count, population standard deviation, min and max of every number column in one scan of a table. */
async function summariseNumbers(conn: DuckDBConnection, from: string, columns: string[]): Promise<Map<string, NumberSummary>> {
  if (columns.length === 0) return new Map();
  const parts = columns.map((c, i) => {
    const x = finiteValue(quoteIdent(c));
    return `count(${x})::DOUBLE AS n${i}, stddev_pop(${x}) AS sd${i}, min(${x}) AS lo${i}, max(${x}) AS hi${i}`;
  });
  const [row] = await rowsOf(conn, `SELECT ${parts.join(', ')} FROM ${from}`);
  return new Map(columns.map((c, i) => [c, { n: Number(row![`n${i}`]), sd: Number(row![`sd${i}`] ?? 0), lo: Number(row![`lo${i}`]), hi: Number(row![`hi${i}`]) }]));
}


/**
 * Numbers, without sorting both tables: values are counted into fine equal-width bins in one pass.
 * Where the difference of the empirical CDFs d = F_ref − F_cur keeps one sign across a bin, its integral
 * there (Wasserstein-1 is ∫|d|) follows exactly from the bin's counts and sums of the values' offsets, and
 * the largest |d| in it (the KS statistic is the largest over all) is bounded by the counts. Only the bins
 * where d may change sign or may hold the largest gap, and those holding the reference's quantiles, are
 * grouped by value and walked in order — a small share of the rows unless the values are heaped into few
 * bins, which then cost what sorting them costs. Every figure is exact.
 */
async function numericFeature(conn: DuckDBConnection, ref: Side, cur: Side, column: string, refSummary: NumberSummary, curSummary: NumberSummary, bins: number, histogramBins: number) {
  const col = quoteIdent(column);
  const nr = refSummary.n;
  const nc = curSummary.n;
  const nulls = { referenceNulls: ref.rows - nr, currentNulls: cur.rows - nc };
  if (nr === 0 || nc === 0) {
    return { ...nulls, statistics: { psi: null, jensenShannon: null, ks: null, ksPValue: null, wasserstein: null, wassersteinRaw: null }, distribution: { kind: 'histogram' as const, labels: [], centres: [], reference: [], current: [] } };
  }
  const lo = Math.min(refSummary.lo, curSummary.lo);
  const hi = Math.max(refSummary.hi, curSummary.hi);
  const bars = hi > lo ? histogramBins : 1;
  const fineBins = bars * FINE_PER_BAR;
  const width = hi > lo ? (hi - lo) / fineBins : 1;
  const edge = (bin: number) => (bin >= fineBins ? Math.max(hi, lo + bin * width) : lo + bin * width);
  const binOf = `least(${fineBins - 1}, floor((x - ${dbl(lo)}) / ${dbl(width)}))::INTEGER`;
  const value = finiteValue(col);
  const union = `(SELECT ${value} AS x, 1 AS r, 0 AS c FROM ${ref.from} WHERE ${value} IS NOT NULL
                  UNION ALL
                  SELECT ${value} AS x, 0 AS r, 1 AS c FROM ${cur.from} WHERE ${value} IS NOT NULL)`;

  // One pass over each table: counts and sums of offsets from the bin's left edge, per fine bin.
  const perSide = (from: string, side: number) =>
    `SELECT ${side} AS side, bin, count(*)::DOUBLE AS n, sum(x - (${dbl(lo)} + bin * ${dbl(width)})) AS off
     FROM (SELECT ${binOf} AS bin, x FROM (SELECT ${value} AS x FROM ${from} WHERE ${value} IS NOT NULL)) GROUP BY bin`;
  const grouped = await conn.runAndReadAll(`${perSide(ref.from, 0)} UNION ALL ${perSide(cur.from, 1)}`);
  const [sideCol, binCol, nCol, offCol] = grouped.getColumnsJS() as unknown as [number[], number[], number[], number[]];
  const nBins = fineBins;
  const rAt = new Float64Array(nBins);
  const cAt = new Float64Array(nBins);
  const offRAt = new Float64Array(nBins);
  const offCAt = new Float64Array(nBins);
  for (let j = 0; j < sideCol.length; j++) {
    const bin = Number(binCol[j]);
    if (Number(sideCol[j]) === 0) {
      rAt[bin] = Number(nCol[j]);
      offRAt[bin] = Number(offCol[j]);
    } else {
      cAt[bin] = Number(nCol[j]);
      offCAt[bin] = Number(offCol[j]);
    }
  }
  const d0At = new Float64Array(nBins);
  const cumRAt = new Float64Array(nBins);
  const cumCAt = new Float64Array(nBins);
  const mixedAt = new Uint8Array(nBins);
  const ubAt = new Float64Array(nBins);

  // Walk the bins in order: d before each, the bins d may cross zero in, a lower bound of KS, and the
  // Wasserstein integral where it follows from the counts (empty stretches between bins included).
  let before = 0;
  let lowerKs = 0;
  let w1 = 0;
  let cumR = 0;
  let cumC = 0;
  for (let i = 0; i < nBins; i++) {
    const bin = i;
    const r = rAt[i]! / nr;
    const c = cAt[i]! / nc;
    const binWidth = edge(bin + 1) - edge(bin);
    const after = before + r - c;
    const mixed = before - c < 0 && before + r > 0;
    // ∫ of F over [a0, a1) = F(a0⁻)·width + Σ (a1 − xᵢ)·wᵢ over the bin's values.
    if (!mixed) w1 += Math.abs(before * binWidth + (rAt[i]! * binWidth - offRAt[i]!) / nr - (cAt[i]! * binWidth - offCAt[i]!) / nc);
    d0At[i] = before;
    cumRAt[i] = cumR;
    cumCAt[i] = cumC;
    mixedAt[i] = mixed ? 1 : 0;
    ubAt[i] = Math.max(before + r, c - before);
    lowerKs = Math.max(lowerKs, Math.abs(after));
    cumR += rAt[i]!;
    cumC += cAt[i]!;
    before = after;
  }

  // The reference's quantiles as numpy's default (linear) computes them: between order statistics k and k + 1.
  const indexOfRank = (k: number) => {
    let lo = 0;
    let hi = nBins - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumRAt[mid]! + rAt[mid]! > k) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const probs = Array.from({ length: bins - 1 }, (_, i) => (i + 1) / bins);
  const ranks = probs.map((p) => {
    const h = (nr - 1) * p;
    const k0 = Math.floor(h);
    const k1 = Math.min(k0 + 1, nr - 1);
    return { h, k0, k1, i0: indexOfRank(k0), i1: indexOfRank(k1) };
  });
  const quantileIndices = new Set<number>();
  for (const q of ranks) for (let i = q.i0; i <= q.i1; i++) quantileIndices.add(i);

  const refine: number[] = [];
  for (let i = 0; i < nBins; i++) if (mixedAt[i] || ubAt[i]! > lowerKs || quantileIndices.has(i)) refine.push(i);
  // The candidate bins travel as bound lists: thousands of literals would cost more to parse than to scan.
  const params = {
    bins: listValue(refine.map((i) => i)),
    d0: listValue(refine.map((i) => d0At[i]!)),
    a0: listValue(refine.map((i) => edge(i))),
    a1: listValue(refine.map((i) => edge(i + 1))),
    qbins: listValue([...quantileIndices].map((i) => i)),
  };
  const refined = await conn.runAndReadAll(
    `WITH cand AS (SELECT unnest($bins) AS bin, unnest($d0) AS d0, unnest($a0) AS a0, unnest($a1) AS a1),
     g AS (SELECT bin, x, sum(r)::DOUBLE AS r, sum(c)::DOUBLE AS c FROM (SELECT ${binOf} AS bin, x, r, c FROM ${union}) WHERE bin IN (SELECT bin FROM cand) GROUP BY bin, x),
     w AS (
       SELECT g.bin, x, r, c, d0, a0, d0 + sum(r) OVER p / ${nr} - sum(c) OVER p / ${nc} AS d,
              coalesce(lead(x) OVER (PARTITION BY g.bin ORDER BY x), a1) - x AS dx
       FROM g JOIN cand USING (bin) WINDOW p AS (PARTITION BY g.bin ORDER BY x ROWS UNBOUNDED PRECEDING)
     )
     SELECT 0 AS kind, bin, max(abs(d)) AS a, sum(abs(d) * dx) + abs(any_value(d0)) * (min(x) - any_value(a0)) AS b, NULL::DOUBLE AS c FROM w GROUP BY bin
     UNION ALL
     SELECT 1, bin, x, r, c FROM w WHERE list_contains($qbins, bin)`,
    params,
    { bins: LIST(INTEGER), d0: LIST(DOUBLE), a0: LIST(DOUBLE), a1: LIST(DOUBLE), qbins: LIST(INTEGER) },
  );
  const [kindCol, rBinCol, aCol, bCol, cColR] = refined.getColumnsJS() as unknown as [number[], number[], number[], number[], (number | null)[]];
  let ks = lowerKs;
  const mixedBins = new Set(refine.filter((i) => mixedAt[i]).map((i) => i));
  const values: { bin: number; x: number; r: number; c: number }[] = [];
  for (let j = 0; j < kindCol.length; j++) {
    if (Number(kindCol[j]) === 0) {
      ks = Math.max(ks, Number(aCol[j]));
      if (mixedBins.has(Number(rBinCol[j]))) w1 += Number(bCol[j]);
    } else values.push({ bin: Number(rBinCol[j]), x: Number(aCol[j]), r: Number(bCol[j]), c: Number(cColR[j]) });
  }
  values.sort((p, q) => p.x - q.x);
  const orderStatistic = (k: number, index: number) => {
    const bin = index;
    let seen = cumRAt[index]!;
    for (const v of values) {
      if (v.bin !== bin) continue;
      seen += v.r;
      if (seen > k) return v.x;
    }
    throw new Error(`order statistic ${k} not found in bin ${bin}`);
  };
  const quantiles = ranks.map((q) => {
    const x0 = orderStatistic(q.k0, q.i0);
    const x1 = orderStatistic(q.k1, q.i1);
    return x0 + (q.h - q.k0) * (x1 - x0);
  });
  // Counts at or below each quantile: whole bins before its first bin, then the values of its bins.
  const atOrBelow = quantiles.map((q, j) => {
    const { i0, i1 } = ranks[j]!;
    let r = cumRAt[i0]!;
    let c = cumCAt[i0]!;
    for (const v of values) {
      if (v.bin >= i0 && v.bin <= i1 && v.x <= q) {
        r += v.r;
        c += v.c;
      }
    }
    return [r, c] as const;
  });
  // Bin i of the quantile bins holds (q_i, q_{i+1}] (below the first quantile, above the last).
  const edges = [[0, 0] as const, ...atOrBelow, [nr, nc] as const];
  const quantileCounts = edges.slice(1).map(([r, c], i) => [r - edges[i]![0], c - edges[i]![1]] as const);

  const counts = quantileCounts.map(([r, c]) => `(${r}::DOUBLE, ${c}::DOUBLE)`).join(', ');
  const [div] = await rowsOf(conn, divergenceSql(`(VALUES ${counts}) AS counts(r, c)`));
  const barCounts = Array.from({ length: bars }, () => [0, 0]);
  for (let i = 0; i < nBins; i++) {
    const bar = barCounts[Math.min(bars - 1, Math.floor(i / FINE_PER_BAR))]!;
    bar[0]! += rAt[i]!;
    bar[1]! += cAt[i]!;
  }
  const barWidth = hi > lo ? (hi - lo) / bars : 0;
  const centres = barCounts.map((_, i) => lo + (i + 0.5) * barWidth);
  return {
    ...nulls,
    statistics: {
      psi: num(div!.psi),
      jensenShannon: num(div!.js),
      ks,
      ksPValue: ksTwoSamplePValue(ks, nr, nc),
      wasserstein: w1 / Math.max(refSummary.sd, MIN_WASSERSTEIN_NORM),
      wassersteinRaw: w1,
      quantiles,
    },
    distribution: {
      kind: 'histogram' as const,
      labels: centres.map((c) => String(Number(c.toPrecision(4)))),
      centres,
      reference: barCounts.map(([r]) => r! / nr),
      current: barCounts.map(([, c]) => c! / nc),
    },
  };
}

async function categoricalFeature(conn: DuckDBConnection, ref: Side, cur: Side, column: string, topCategories: number) {
  const col = quoteIdent(column);
  const counts = `
    SELECT x, sum(r)::DOUBLE AS r, sum(c)::DOUBLE AS c FROM (
      SELECT ${col}::VARCHAR AS x, 1 AS r, 0 AS c FROM ${ref.from}
      UNION ALL
      SELECT ${col}::VARCHAR AS x, 0 AS r, 1 AS c FROM ${cur.from}
    ) GROUP BY x`;
  const [row] = await rowsOf(
    conn,
    `WITH g AS MATERIALIZED (${counts}),
     nn AS (SELECT r, c FROM g WHERE x IS NOT NULL),
     d AS (${divergenceSql('nn')})
     SELECT d.*,
       (SELECT coalesce(sum(r), 0) FROM g WHERE x IS NULL) AS nullr,
       (SELECT coalesce(sum(c), 0) FROM g WHERE x IS NULL) AS nullc,
       (SELECT coalesce(sum(r), 0) FROM nn) AS nr,
       (SELECT coalesce(sum(c), 0) FROM nn) AS nc,
       (SELECT list([x, r::VARCHAR, c::VARCHAR] ORDER BY r + c DESC, x) FROM (SELECT * FROM g WHERE x IS NOT NULL ORDER BY r + c DESC, x LIMIT ${topCategories})) AS top
     FROM d`,
  );
  const nr = Number(row!.nr);
  const nc = Number(row!.nc);
  const nulls = { referenceNulls: Number(row!.nullr), currentNulls: Number(row!.nullc) };
  const top = ((row!.top ?? []) as string[][]).map(([x, r, c]) => ({ label: x!, r: Number(r), c: Number(c) }));
  const shownR = top.reduce((s, t) => s + t.r, 0);
  const shownC = top.reduce((s, t) => s + t.c, 0);
  const other = nr - shownR > 0 || nc - shownC > 0 ? [{ label: '(other)', r: nr - shownR, c: nc - shownC }] : [];
  const shown = [...top, ...other];
  const k = Number(row!.k);
  const empty = nr === 0 || nc === 0;
  const chi2 = empty ? null : Number(row!.chi2);
  return {
    ...nulls,
    statistics: {
      psi: empty ? null : num(row!.psi),
      jensenShannon: empty ? null : num(row!.js),
      chiSquared: chi2,
      chiSquaredPValue: chi2 === null ? null : k <= 1 ? 1 : chiSquaredSf(chi2, k - 1),
      chiSquaredDof: empty ? null : Math.max(0, k - 1),
    },
    distribution: {
      kind: 'categories' as const,
      labels: shown.map((s) => s.label),
      reference: shown.map((s) => (nr > 0 ? s.r / nr : 0)),
      current: shown.map((s) => (nc > 0 ? s.c / nc : 0)),
    },
  };
}

const SCORE_OF: Record<DriftMethod, keyof DriftStatistics> = {
  wasserstein: 'wasserstein',
  ks: 'ksPValue',
  psi: 'psi',
  jensen_shannon: 'jensenShannon',
  chi_squared: 'chiSquaredPValue',
};

/**
 * Compares `current` with `reference` column by column. Numbers: exact two-sample KS (statistic and
 * scipy's asymptotic p-value), Wasserstein-1 divided by the reference's standard deviation, PSI and
 * Jensen–Shannon distance on the reference's quantile bins. Text and booleans: PSI, Jensen–Shannon and
 * chi-squared over the categories. Nulls are counted and left out of every statistic. Throws a
 * ServiceError('invalid') for input no statistic can be computed on.
 */
export async function computeDrift(
  connections: DuckDBConnection | DuckDBConnection[],
  reference: DriftSource,
  current: DriftSource,
  options: DriftOptions = {},
): Promise<DriftReport> {
  const pool = Array.isArray(connections) ? connections : [connections];
  const conn = pool[0]!;
  const bins = options.bins ?? 10;
  const histogramBins = options.histogramBins ?? 20;
  const topCategories = options.topCategories ?? 12;
  const numericMethod = options.numericMethod ?? 'wasserstein';
  const categoricalMethod = options.categoricalMethod ?? 'jensen_shannon';
  const thresholds = { ...DEFAULT_DRIFT_THRESHOLDS, ...options.thresholds };
  const driftShareThreshold = options.driftShare ?? 0.5;

  const refFrom = sourceSql(reference);
  const curFrom = sourceSql(current);
  const refTypes = await describe(conn, refFrom);
  const curTypes = await describe(conn, curFrom);
  const exclude = new Set(options.exclude ?? []);
  let columns: string[];
  if (options.columns?.length) {
    for (const c of options.columns) {
      if (!refTypes.has(c)) throw bad(`Column "${c}" is not in the reference table`);
      if (!curTypes.has(c)) throw bad(`Column "${c}" is not in the current table`);
    }
    columns = options.columns.filter((c) => !exclude.has(c));
  } else {
    columns = [...refTypes.keys()].filter((c) => curTypes.has(c) && !exclude.has(c));
    if (columns.length === 0) {
      throw bad(
        `The reference and current tables have no columns in common to compare (reference: ${[...refTypes.keys()].slice(0, 10).join(', ')}; current: ${[...curTypes.keys()].slice(0, 10).join(', ')})`,
      );
    }
  }
  const plan = columns.map((column) => {
    const refType = refTypes.get(column)!;
    const curType = curTypes.get(column)!;
    const refKind = driftKind(refType);
    const curKind = driftKind(curType);
    if (refKind !== curKind) {
      throw bad(`Column "${column}" is ${refType} in the reference table but ${curType} in the current table: cast one of them so both are numbers or both text`);
    }
    return { column, type: refType, kind: refKind };
  });
  const unsupported = plan.filter((p) => p.kind === undefined);
  if (options.columns?.length && unsupported.length) {
    throw bad(`Drift is measured on numbers, text and booleans; ${unsupported.map((p) => `"${p.column}" is ${p.type}`).join(', ')}`);
  }
  const features = plan.filter((p): p is typeof p & { kind: 'numeric' | 'categorical' } => p.kind !== undefined);
  if (features.length === 0) throw bad('None of the common columns is a number, text or boolean column, so there is nothing to compare');

  const [counts] = await rowsOf(conn, `SELECT (SELECT count(*) FROM ${refFrom})::DOUBLE AS r, (SELECT count(*) FROM ${curFrom})::DOUBLE AS c`);
  const ref: Side = { from: refFrom, rows: Number(counts!.r) };
  const cur: Side = { from: curFrom, rows: Number(counts!.c) };
  if (ref.rows === 0) throw bad('The reference table has no rows');
  if (cur.rows === 0) throw bad('The current table has no rows');

  const numberColumns = features.filter((f) => f.kind === 'numeric').map((f) => f.column);
  const refNumbers = await summariseNumbers(conn, refFrom, numberColumns);
  const curNumbers = await summariseNumbers(conn, curFrom, numberColumns);
  // Features are independent: with several connections, one per feature at a time, so DuckDB's threads
  // stay busy while JavaScript reads a result or plans the next query.
  const results: FeatureDrift[] = new Array(features.length);
  let next = 0;
  const work = async (c: DuckDBConnection) => {
    while (next < features.length) {
      const index = next++;
      const f = features[index]!;
      const computed =
        f.kind === 'numeric'
          ? await numericFeature(c, ref, cur, f.column, refNumbers.get(f.column)!, curNumbers.get(f.column)!, bins, histogramBins)
          : await categoricalFeature(c, ref, cur, f.column, topCategories);
      const method: DriftMethod = f.kind === 'numeric' ? numericMethod : categoricalMethod;
      const statistics: DriftStatistics = computed.statistics;
      const score = (statistics[SCORE_OF[method]] as number | null | undefined) ?? null;
      const threshold = thresholds[method];
      // A column empty on one side only has changed beyond what a statistic can say; empty on both, it has not.
      const refEmpty = computed.referenceNulls === ref.rows;
      const curEmpty = computed.currentNulls === cur.rows;
      const drifted = score === null ? refEmpty !== curEmpty : isDrift(method, score, threshold);
      results[index] = { column: f.column, type: f.type, kind: f.kind, method, score, threshold, drifted, referenceRows: ref.rows, currentRows: cur.rows, ...computed };
    }
  };
  await Promise.all(pool.map(work));
  const driftedFeatures = results.filter((r) => r.drifted).length;
  const driftShare = driftedFeatures / results.length;
  return {
    referenceRows: ref.rows,
    currentRows: cur.rows,
    features: results,
    driftedFeatures,
    driftShare,
    driftShareThreshold,
    datasetDrift: driftShare >= driftShareThreshold,
    settings: { numericMethod, categoricalMethod, thresholds, bins, psiEpsilon: PSI_EPSILON },
  };
}
