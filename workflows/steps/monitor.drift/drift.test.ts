import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeDrift, type DriftReport, type FeatureDrift } from '../../../server/infra/drift';
import { quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { pandas } from '../../../test/support/pandas';
import definition, { checkDriftColumns } from './definition';

// Every statistic against scipy / numpy computed independently in the project's venv on the same Parquet files.

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-drift-'));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

interface Reference {
  kind: 'numeric' | 'categorical';
  nullsRef: number;
  nullsCur: number;
  psi: number;
  js: number;
  ks?: number;
  ksP?: number;
  wasserstein?: number;
  chi2?: number;
  chi2P?: number;
  dof?: number;
}

/** scipy's and numpy's figures for every column of two Parquet files (nulls left out, as the step does). */
function scipyReference(ref: string, cur: string): Record<string, Reference> {
  return pandas<Record<string, Reference>>(
    `
from scipy import stats
from scipy.spatial.distance import jensenshannon
r_df = pd.read_parquet(args['ref'])
c_df = pd.read_parquet(args['cur'])
EPS = 0.0001
def psi(pr, pc):
    pr = np.where(pr == 0, EPS, pr)
    pc = np.where(pc == 0, EPS, pc)
    return float(np.sum((pc - pr) * np.log(pc / pr)))
out = {}
for col in r_df.columns:
    r_all, c_all = r_df[col], c_df[col]
    res = {'nullsRef': int(r_all.isna().sum()), 'nullsCur': int(c_all.isna().sum())}
    r, c = r_all.dropna(), c_all.dropna()
    if pd.api.types.is_numeric_dtype(r_all) and not pd.api.types.is_bool_dtype(r_all):
        r = r.to_numpy(dtype=float); c = c.to_numpy(dtype=float)
        ks = stats.ks_2samp(r, c, method='asymp')
        q = np.quantile(r, [i / 10 for i in range(1, 10)])
        # bin i holds (q_i, q_{i+1}]: the number of quantiles strictly below the value
        br = np.bincount(np.searchsorted(q, r, side='left'), minlength=10) / len(r)
        bc = np.bincount(np.searchsorted(q, c, side='left'), minlength=10) / len(c)
        res.update(kind='numeric', ks=float(ks.statistic), ksP=float(ks.pvalue),
                   wasserstein=float(stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)),
                   psi=psi(br, bc), js=float(jensenshannon(br, bc)))
    else:
        r = r.astype(str); c = c.astype(str)
        cats = sorted(set(r) | set(c))
        rc = np.array([(r == k).sum() for k in cats], dtype=float)
        cc = np.array([(c == k).sum() for k in cats], dtype=float)
        if len(cats) > 1:
            chi2, p, dof, _ = stats.chi2_contingency(np.array([rc, cc]), correction=False)
        else:
            chi2, p, dof = 0.0, 1.0, 0
        res.update(kind='categorical', psi=psi(rc / rc.sum(), cc / cc.sum()), js=float(jensenshannon(rc / rc.sum(), cc / cc.sum())),
                   chi2=float(chi2), chi2P=float(p), dof=int(dof))
    out[col] = res
`,
    { ref, cur },
  );
}

/** Two tables with what real data has: nulls, ties, a constant column, unicode categories, awkward names. */
function writeTables(ref: string, cur: string, n: [number, number], seed: number) {
  pandas(
    `
rng = np.random.default_rng(args['seed'])
def table(n, shift, cur):
    price = rng.normal(100 + shift, 15, n).round(2)
    price = pd.array([None if rng.random() < 0.05 else v for v in price], dtype='Float64')
    islands = ['Biscoe', 'Dream', 'Torgersen "T"', 'Ærø', '😀 emoji'] + (['Nuuk ❄'] if cur else [])
    weights = np.array([5, 3, 2, 1, 1] + ([2] if cur else []), dtype=float)
    island = rng.choice(islands, n, p=weights / weights.sum())
    island = [None if rng.random() < 0.03 else v for v in island]
    return pd.DataFrame({
        'Price (USD)': price,
        'count n': pd.array(rng.poisson(3 + (1 if cur else 0), n), dtype='Int64'),
        'tail': rng.lognormal(0, 2.5 if cur else 2, n),
        'const': np.full(n, 5.0),
        'Island (name)': island,
        'flag': rng.random(n) < (0.4 if cur else 0.3),
        'same': rng.choice(['a', 'b', 'c'], n),
    })
table(args['n'][0], 0, False).to_parquet(args['ref'], index=False)
table(args['n'][1], 4, True).to_parquet(args['cur'], index=False)
`,
    { ref, cur, n, seed },
  );
}

function expectClose(actual: number | null | undefined, expected: number, rel: number, what: string) {
  expect(actual, what).not.toBeNull();
  const tolerance = Math.max(Math.abs(expected) * rel, 1e-12);
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs scipy ${expected}`).toBeLessThanOrEqual(tolerance);
}

function compare(report: DriftReport, expected: Record<string, Reference>) {
  const byName = new Map(report.features.map((f) => [f.column, f]));
  expect([...byName.keys()].sort()).toEqual(Object.keys(expected).sort());
  for (const [column, e] of Object.entries(expected)) {
    const f = byName.get(column)!;
    const s = f.statistics;
    expect(f.kind, column).toBe(e.kind);
    expect(f.referenceNulls, `${column} nulls`).toBe(e.nullsRef);
    expect(f.currentNulls, `${column} nulls`).toBe(e.nullsCur);
    expectClose(s.psi, e.psi, 1e-9, `${column} PSI`);
    expectClose(s.jensenShannon, e.js, 1e-9, `${column} Jensen–Shannon`);
    if (e.kind === 'numeric') {
      expectClose(s.ks, e.ks!, 1e-12, `${column} KS statistic`);
      // The same formula as scipy (kstwo.sf at round(n·m/(n+m))); summation order differs.
      expectClose(s.ksPValue, e.ksP!, 1e-6, `${column} KS p-value`);
      expectClose(s.wasserstein, e.wasserstein!, 1e-8, `${column} Wasserstein`);
    } else {
      expectClose(s.chiSquared, e.chi2!, 1e-9, `${column} chi-squared`);
      expectClose(s.chiSquaredPValue, e.chi2P!, 1e-8, `${column} chi-squared p-value`);
      expect(s.chiSquaredDof, `${column} dof`).toBe(e.dof);
    }
  }
}

const drift = (ref: string, cur: string, options = {}) => withDuckDb((conn) => computeDrift(conn, { parquet: ref }, { parquet: cur }, options));

describe('drift statistics (DuckDB) against scipy', () => {
  it('matches ks_2samp, wasserstein_distance, chi2_contingency, jensenshannon and PSI on small tables', async () => {
    const ref = path.join(dir, 'small-ref.parquet');
    const cur = path.join(dir, 'small-cur.parquet');
    writeTables(ref, cur, [3000, 2000], 7);
    const report = await drift(ref, cur);
    compare(report, scipyReference(ref, cur));

    const f = (name: string) => report.features.find((x) => x.column === name)!;
    // A constant column that stays constant has not drifted by any measure.
    expect(f('const').statistics).toMatchObject({ ks: 0, wasserstein: 0, psi: 0, jensenShannon: 0 });
    expect(f('const').drifted).toBe(false);
    // The shifted price, the heavier tail and the new island are found; the untouched column is not.
    expect(f('Price (USD)').drifted).toBe(true);
    expect(f('Island (name)').drifted).toBe(true);
    expect(f('same').drifted).toBe(false);
    expect(f('Island (name)').distribution.labels).toContain('Nuuk ❄');
    expect(report.driftedFeatures).toBe(report.features.filter((x) => x.drifted).length);
    expect(report.datasetDrift).toBe(report.driftShare >= 0.5);
  });

  it('stays exact on 200,000 rows, where most values share fine bins and heavy tails heap them', async () => {
    const ref = path.join(dir, 'big-ref.parquet');
    const cur = path.join(dir, 'big-cur.parquet');
    writeTables(ref, cur, [200_000, 150_000], 11);
    compare(await drift(ref, cur), scipyReference(ref, cur));
  });

  it('takes DuckDB relations as well as Parquet files (for inputs that are queries, such as logged requests)', async () => {
    const ref = path.join(dir, 'small-ref.parquet');
    const cur = path.join(dir, 'small-cur.parquet');
    const fromFiles = await drift(ref, cur, { columns: ['Price (USD)', 'Island (name)'] });
    const fromRelations = await withDuckDb((conn) =>
      computeDrift(
        conn,
        { relation: `(SELECT * FROM read_parquet(${quoteLiteral(ref)}))` },
        { relation: `(SELECT "Price (USD)", "Island (name)" FROM read_parquet(${quoteLiteral(cur)}) WHERE true)` },
        { columns: ['Price (USD)', 'Island (name)'] },
      ),
    );
    // Equal up to the order DuckDB's threads add doubles in.
    const same = (a: unknown, b: unknown, at: string): void => {
      if (typeof a === 'number' && typeof b === 'number') expect(Math.abs(a - b), at).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
      else if (a && b && typeof a === 'object' && typeof b === 'object') {
        expect(Object.keys(a).sort(), at).toEqual(Object.keys(b).sort());
        for (const k of Object.keys(a)) same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      } else expect(a, at).toEqual(b);
    };
    same(fromRelations, fromFiles, 'report');
  });

  it('applies the chosen methods and thresholds: p-values drift below theirs, distances at or above', async () => {
    const ref = path.join(dir, 'small-ref.parquet');
    const cur = path.join(dir, 'small-cur.parquet');
    const report = await drift(ref, cur, { numericMethod: 'ks', categoricalMethod: 'chi_squared', thresholds: { ks: 0.01 }, columns: ['Price (USD)', 'same', 'flag'] });
    const [price, same, flag] = report.features as [FeatureDrift, FeatureDrift, FeatureDrift];
    expect(price).toMatchObject({ method: 'ks', threshold: 0.01, score: price.statistics.ksPValue, drifted: price.statistics.ksPValue! < 0.01 });
    expect(same).toMatchObject({ method: 'chi_squared', threshold: 0.05, score: same.statistics.chiSquaredPValue });
    expect(flag.kind).toBe('categorical');
    const psi = await drift(ref, cur, { numericMethod: 'psi', columns: ['Price (USD)'], thresholds: { psi: 1000 } });
    expect(psi.features[0]).toMatchObject({ method: 'psi', drifted: false, score: psi.features[0]!.statistics.psi });
  });

  it('refuses an empty table, tables without common columns and a column whose type differs, saying which', async () => {
    const make = async (name: string, select: string) => {
      const file = path.join(dir, name);
      await withDuckDb((conn) => conn.run(`COPY (${select}) TO ${quoteLiteral(file)} (FORMAT parquet)`));
      return file;
    };
    const full = await make('full.parquet', "SELECT i::DOUBLE AS x, 'a' AS label FROM range(100) t(i)");
    const empty = await make('empty.parquet', "SELECT i::DOUBLE AS x, 'a' AS label FROM range(100) t(i) WHERE false");
    const other = await make('other.parquet', 'SELECT i AS y FROM range(10) t(i)');
    const textX = await make('text-x.parquet', "SELECT i::VARCHAR AS x, 'a' AS label FROM range(10) t(i)");
    const dates = await make('dates.parquet', "SELECT DATE '2024-01-01' + i::INTEGER AS d FROM range(10) t(i)");
    await expect(drift(full, empty)).rejects.toThrow('The current table has no rows');
    await expect(drift(empty, full)).rejects.toThrow('The reference table has no rows');
    await expect(drift(full, other)).rejects.toThrow(/no columns in common.*reference: x, label.*current: y/);
    await expect(drift(full, textX)).rejects.toThrow('Column "x" is DOUBLE in the reference table but VARCHAR in the current table');
    await expect(drift(full, full, { columns: ['nope'] })).rejects.toThrow('Column "nope" is not in the reference table');
    await expect(drift(dates, dates)).rejects.toThrow('None of the common columns is a number, text or boolean column');
  });

  it('counts NaN and infinite values as missing, like nulls', async () => {
    const clean = path.join(dir, 'clean.parquet');
    const odd = path.join(dir, 'odd.parquet');
    const base = path.join(dir, 'base.parquet');
    await withDuckDb(async (conn) => {
      await conn.run(`COPY (SELECT (i * 7 % 23)::DOUBLE AS x FROM range(300) t(i)) TO ${quoteLiteral(base)} (FORMAT parquet)`);
      await conn.run(`COPY (SELECT (i * 5 % 29)::DOUBLE AS x FROM range(200) t(i)) TO ${quoteLiteral(clean)} (FORMAT parquet)`);
      await conn.run(
        `COPY (SELECT * FROM read_parquet(${quoteLiteral(clean)}) UNION ALL SELECT * FROM (VALUES ('NaN'::DOUBLE), ('Infinity'::DOUBLE), ('-Infinity'::DOUBLE), (NULL)) v(x))
         TO ${quoteLiteral(odd)} (FORMAT parquet)`,
      );
    });
    const [withClean] = (await drift(base, clean)).features;
    const [withOdd] = (await drift(base, odd)).features;
    expect(withOdd!.currentNulls).toBe(4);
    expect(withOdd!.statistics).toEqual(withClean!.statistics);
  });

  it('reports a column with no values on one side as drifted, without a score', async () => {
    const ref = path.join(dir, 'values.parquet');
    const cur = path.join(dir, 'nulls.parquet');
    await withDuckDb(async (conn) => {
      await conn.run(`COPY (SELECT i::DOUBLE AS x FROM range(50) t(i)) TO ${quoteLiteral(ref)} (FORMAT parquet)`);
      await conn.run(`COPY (SELECT NULL::DOUBLE AS x FROM range(50) t(i)) TO ${quoteLiteral(cur)} (FORMAT parquet)`);
    });
    const [x] = (await drift(ref, cur)).features;
    expect(x).toMatchObject({ score: null, drifted: true, referenceNulls: 0, currentNulls: 50 });
  });
});

describe('monitor.drift definition', () => {
  const params = definition.params.parse({});
  const reference = [
    { name: 'x', type: 'DOUBLE' },
    { name: 'label', type: 'VARCHAR' },
    { name: 'when', type: 'DATE' },
  ];
  it('defaults to Evidently’s methods and a half share of drifted features', () => {
    expect(params).toMatchObject({ numericMethod: 'wasserstein', categoricalMethod: 'jensen_shannon', driftShare: 0.5, bins: 10 });
  });

  it('names at design time a column missing from the current table, a type that differs, and tables with nothing in common', () => {
    const current = [
      { name: 'x', type: 'VARCHAR' },
      { name: 'when', type: 'DATE' },
    ];
    const issues = checkDriftColumns(definition.params.parse({ columns: ['x', 'label', 'when'] }), reference, current);
    expect(issues).toEqual([
      { path: 'params.columns.0', message: '"x" is DOUBLE in the reference but VARCHAR in the current table' },
      { path: 'params.columns.1', message: 'Column "label" is not in the current table (columns: "x", "when")' },
      { path: 'params.columns.2', message: '"when" is DATE: drift is measured on numbers, text and booleans' },
    ]);
    expect(checkDriftColumns(params, reference, [{ name: 'y', type: 'DOUBLE' }])).toEqual([
      { path: 'params.columns', message: 'The reference and current tables have no columns in common' },
    ]);
    expect(checkDriftColumns(params, reference, undefined)).toEqual([]);
  });
});
