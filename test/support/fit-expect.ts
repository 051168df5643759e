// Expectations shared by the train steps' correctness tests: Millrace's model against the library's own.
import { expect } from 'vitest';
import { classificationMetrics, regressionMetrics } from '../../workflows/steps/kit/metrics';
import { agreement, maxRelativeDifference, type MillraceResult, type ReferenceResult } from './fit-check';

/**
 * Millrace's classifier agrees with the library's own: the same label for every test row, each class probability
 * within `probabilityTolerance` (float32 arithmetic in ONNX), and so the same accuracy and macro F1 computed by
 * Millrace's metrics as by scikit-learn's.
 */
export function expectSameClassifier(ours: MillraceResult, ref: ReferenceResult, probabilityTolerance = 1e-4): void {
  expect(ours.meta.classes).toEqual(ref.classes);
  expect(ours.predictions.length).toBe(ref.predictions.length);
  expect(agreement(ours.predictions, ref.predictions)).toBe(1);
  let worst = 0;
  ref.probabilities!.forEach((row, i) => ref.classes!.forEach((c, j) => (worst = Math.max(worst, Math.abs(ours.probabilities![i]![c]! - row[j]!)))));
  expect(worst).toBeLessThan(probabilityTolerance);
  const m = classificationMetrics(ours.truth as string[], ours.predictions as string[], ours.meta.classes!);
  expect(m.accuracy).toBeCloseTo(ref.metrics!.accuracy!, 12);
  expect(m.f1_macro).toBeCloseTo(ref.metrics!.f1_macro!, 12);
}

/**
 * Millrace's regressor agrees with the library's own on every test row within `relativeTolerance` (ONNX computes
 * in float32), and its RMSE, MAE and R² (Millrace's metrics) are within the same tolerance of scikit-learn's.
 */
export function expectSameRegressor(ours: MillraceResult, ref: ReferenceResult, relativeTolerance = 1e-5): void {
  expect(ours.predictions.length).toBe(ref.predictions.length);
  expect(maxRelativeDifference(ours.predictions as number[], ref.predictions as number[])).toBeLessThan(relativeTolerance);
  const m = regressionMetrics(ours.truth as number[], ours.predictions as number[]);
  for (const k of ['rmse', 'mae', 'r2'] as const) {
    expect(Math.abs(m[k] - ref.metrics![k]!), k).toBeLessThan(relativeTolerance * Math.max(1, Math.abs(ref.metrics![k]!)));
  }
}
