import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonExecutable } from '../../server/infra/python-paths';

// workflows/ml/fast_lightgbm.py exports LightGBM models from the booster's text model instead of
// onnxmltools' per-node walk. workflows/ml/test_fast_lightgbm.py fits models (binary, 3 classes,
// regression, NaN read as zero, one-leaf trees, and zero-as-missing, which goes to onnxmltools) and writes
// both exports with LightGBM's own predictions on fresh rows with NaN; scored here as the product scores.
const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));
const dir = mkdtempSync(path.join(os.tmpdir(), 'millrace-fast-lightgbm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Expected {
  rows: (number | null)[][];
  fast: boolean;
  labels?: (string | number)[];
  probabilities?: number[][];
  values?: number[];
}

async function score(file: string, rows: (number | null)[][]) {
  const session = await ort.InferenceSession.create(file);
  const width = rows[0]!.length;
  const data = Float32Array.from(rows.flatMap((r) => r.map((v) => (v === null ? NaN : v))));
  const out = await session.run({ x: new ort.Tensor('float32', data, [rows.length, width]) });
  const [first, second] = session.outputNames.map((n) => out[n]!);
  return { first: Array.from(first!.data as ArrayLike<number | string | bigint>), second: second ? Array.from(second.data as Float32Array) : undefined };
}

describe('fast LightGBM export', () => {
  const cases = JSON.parse(execFileSync(python, [path.resolve('workflows/ml/test_fast_lightgbm.py'), dir], { encoding: 'utf8' })) as string[];

  it('covers every kind of model the step fits, and one it leaves to onnxmltools', () => {
    expect(cases).toEqual(['3-classes', '2-classes', 'regression', 'regression-NaN-as-zero', 'one-leaf-trees', 'zero-as-missing']);
  });

  for (const name of cases) {
    it(name === 'zero-as-missing' ? `${name}: exported by onnxmltools` : `${name}: predicts what LightGBM predicts, NaN included`, async () => {
      const expected = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as Expected;
      expect(expected.fast).toBe(name !== 'zero-as-missing');
      const fastFile = path.join(dir, `${name}.fast.onnx`);
      const ours = await score(fastFile, expected.rows);
      if (!expected.fast) {
        // Handed to onnxmltools, whose export does not follow LightGBM on exact zeros here: the same outputs as its own.
        const theirs = await score(path.join(dir, `${name}.onnxmltools.onnx`), expected.rows);
        expect(ours).toEqual(theirs);
        return;
      }
      if (expected.labels) {
        expect(ours.first.map((l) => (typeof l === 'bigint' ? Number(l) : l))).toEqual(expected.labels);
        const width = expected.probabilities![0]!.length;
        let worst = 0;
        expected.probabilities!.forEach((p, i) => p.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - ours.second![i * width + j]!)))));
        expect(worst).toBeLessThan(1e-5);
      } else {
        let worst = 0;
        expected.values!.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - Number(ours.first[i])) / Math.max(1, Math.abs(v)))));
        expect(worst).toBeLessThan(1e-5);
      }
      expect(statSync(fastFile).size).toBeLessThanOrEqual(statSync(path.join(dir, `${name}.onnxmltools.onnx`)).size);
    });
  }
});
