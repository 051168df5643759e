import { describe, expect, it } from 'vitest';
import { chiSquaredSf, kolmogorovSf } from '../../server/infra/drift-pvalues';
import { pandas } from '../support/pandas';

// The drift tests' p-values against scipy in the project's venv, across the ranges each formula covers.

const KS_CASES: [number, number][] = [];
for (const n of [141, 300, 1200, 5000, 85_714, 500_000]) {
  for (const z of [0.3, 0.6, 0.9, 1.2, 1.5, 2, 3, 5]) KS_CASES.push([n, Math.min(0.99, z / Math.sqrt(n))]);
  KS_CASES.push([n, 0.7], [n, 0.5 / n], [n, 0.9 / n]);
}
const SMALL_CASES: [number, number][] = [10, 30, 60, 140].flatMap((n) => Array.from({ length: 39 }, (_, i): [number, number] => [n, (i + 1) / 40]));
const CHI_CASES: [number, number][] = [[0.5, 1], [3.2, 4], [12, 12], [100, 9], [1e-3, 2], [40, 30], [500, 400], [2, 1]];

describe('drift p-values', () => {
  const scipy = pandas<{ ks: number[]; chi: number[]; small: number[] }>(
    `
from scipy import stats
out = {
  'ks': [float(stats.kstwo.sf(x, n)) for n, x in args['ks']],
  'chi': [float(stats.chi2.sf(s, k)) for s, k in args['chi']],
  'small': [float(stats.kstwo.sf(x, n)) for n, x in args['small']],
}
`,
    { ks: KS_CASES, chi: CHI_CASES, small: SMALL_CASES },
  );

  it('gives the Kolmogorov distribution’s tail as scipy.stats.kstwo.sf does for n > 140', () => {
    KS_CASES.forEach(([n, x], i) => {
      const expected = scipy.ks[i]!;
      expect(Math.abs(kolmogorovSf(n, x) - expected), `n=${n} x=${x}: scipy ${expected}`).toBeLessThanOrEqual(Math.max(1e-10, expected * 1e-6));
    });
  });

  it('approximates it for small samples (n ≤ 140) within the stated bounds', () => {
    SMALL_CASES.forEach(([n, x], i) => {
      const bound = n < 60 ? 0.002 : 2e-5;
      expect(Math.abs(kolmogorovSf(n, x) - scipy.small[i]!), `n=${n} x=${x}`).toBeLessThanOrEqual(bound);
    });
  });

  it('gives chi-squared tails as scipy.stats.chi2.sf does', () => {
    CHI_CASES.forEach(([s, k], i) => {
      const expected = scipy.chi[i]!;
      expect(Math.abs(chiSquaredSf(s, k) - expected), `chi2 ${s} dof ${k}: scipy ${expected}`).toBeLessThanOrEqual(Math.max(1e-14, expected * 1e-9));
    });
  });
});
