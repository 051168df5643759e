import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitModel, type Algorithm } from '../../../server/infra/fitter';
import { loadModel, releaseModel, score } from '../../../server/infra/scorer';
import { ADJACENT_FLOAT32_ROWS, python, writeTable } from '../../../test/support/fit-check';

const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-threshold-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function predictions(algorithm: Algorithm, params: Record<string, unknown>) {
  const table = await writeTable(path.join(dir, 'adjacent.parquet'), ADJACENT_FLOAT32_ROWS);
  const { onnxPath, meta } = await fitModel({ python, tablePath: table, outDir: path.join(dir, algorithm), algorithm, task: 'classification', target: 'y', params });
  const model = await loadModel(onnxPath, meta);
  try {
    return (await score(model, [{ x: 17.69999885559082 }, { x: 17.7 }, { x: 17.5 }, { x: 18 }])).predictions;
  } finally {
    await releaseModel(model);
  }
}

// Trees split between neighbouring values; the exported ONNX trees (float32 thresholds) must split exactly there.
// skl2onnx gets this right for scikit-learn trees; for LightGBM, fit.py rounds the thresholds down itself.
describe('tree thresholds in ONNX', () => {
  it('a decision tree sends a value just above its split to the right side', async () => {
    expect(await predictions('decision_tree', {})).toEqual(['low', 'high', 'low', 'high']);
  });

  it('so does LightGBM', async () => {
    expect(await predictions('gradient_boosting', { trees: 5, minChildSamples: 5 })).toEqual(['low', 'high', 'low', 'high']);
  });
});
