// The batch group: deploy.batch_score's scoring (workflows/steps/kit/batch-score.ts) on a table of 200,000
// rows against a bare session.run over the same rows in the same 20,000-row batches of ready-made tensors.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { quoteLiteral, withDuckDb } from '../../server/infra/duckdb';
import { fitModel } from '../../server/infra/fitter';
import { loadModel, releaseModel } from '../../server/infra/scorer';
import { pythonExecutable } from '../../server/setup/python';
import { batchScore, SCORE_BATCH } from '../../workflows/steps/kit/batch-score';
import { result, type BenchResult } from './result';
import { timeReps } from './stats';

const ROWS = 200_000;
const REPS = 5;

export async function runBatchBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));
  if (!existsSync(python)) throw new Error(`no Python venv at ${python}: run npm install or set MILLRACE_PYTHON_VENV`);
  const json = path.join(repoRoot, 'node_modules/vega-datasets/data/penguins.json');
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'millrace-bench-batch-'));
  try {
    const penguins = path.join(tmp, 'penguins.parquet');
    const table = path.join(tmp, 'many.parquet');
    await withDuckDb(async (conn) => {
      await conn.run(`COPY (SELECT * FROM read_json_auto(${quoteLiteral(json)}) WHERE "Species" IS NOT NULL) TO ${quoteLiteral(penguins)} (FORMAT parquet)`);
      // The penguins repeated to ROWS rows, numbers jittered so rows differ.
      await conn.run(
        `COPY (SELECT p.* REPLACE ("Beak Length (mm)" + (i % 7) * 0.1 AS "Beak Length (mm)") FROM read_parquet(${quoteLiteral(penguins)}) p, range(${Math.ceil(ROWS / 342)}) r(i) LIMIT ${ROWS}) TO ${quoteLiteral(table)} (FORMAT parquet)`,
      );
    });
    const fitted = await fitModel({ python, tablePath: penguins, outDir: path.join(tmp, 'fit'), algorithm: 'random_forest', task: 'auto', target: 'Species', params: { trees: 100, seed: 0 } });
    const model = await loadModel(fitted.onnxPath, fitted.meta);
    try {
      const { meta, session } = model;
      // The bare baseline's tensors, built once from the same rows, untimed.
      const columns = await withDuckDb(
        async (conn) => (await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(table)})`)).getColumnsObjectJS() as Record<string, unknown[]>,
      );
      const feeds: Record<string, ort.Tensor>[] = [];
      for (let start = 0; start < ROWS; start += SCORE_BATCH) {
        const m = Math.min(SCORE_BATCH, ROWS - start);
        const feed: Record<string, ort.Tensor> = {};
        for (const f of meta.features) {
          const values = columns[f.name]!.slice(start, start + m);
          feed[f.input] =
            f.type === 'number'
              ? new ort.Tensor('float32', Float32Array.from(values, (v) => (v === null ? NaN : Number(v))), [m, 1])
              : new ort.Tensor('string', values.map((v) => (v === null ? '' : String(v))), [m, 1]);
        }
        feeds.push(feed);
      }
      const fetches = [meta.outputs.label, ...(meta.outputs.probabilities ? [meta.outputs.probabilities] : [])];
      let rep = 0;
      const bare: number[] = [];
      const step: number[] = [];
      // Alternating, so both see the same load.
      for (let i = 0; i < REPS + 1; i++) {
        const [b] = await timeReps(1, async () => {
          for (const feed of feeds) await session.run(feed, fetches);
        }, 0);
        const [s] = await timeReps(1, () => batchScore({ file: table, out: path.join(tmp, `out-${rep++}.parquet`), model, chain: [], prefix: 'prediction' }), 0);
        if (i > 0) {
          bare.push(b!);
          step.push(s!);
        }
      }
      const input = `${ROWS.toLocaleString('en')} rows (penguins repeated), ${meta.features.length} features, random forest 100 trees`;
      const bareResult = result({ group: 'batch', name: 'bare session.run, 20,000-row batches', input, size: ROWS, sizeUnit: 'rows', samplesMs: bare, throughputUnit: 'rows/s', notes: `${feeds.length} session.run calls on ready-made tensors (label + probabilities), ${REPS} reps after 1 warm-up` });
      const stepResult = result({
        group: 'batch',
        name: 'batch_score 200,000 rows',
        input,
        size: ROWS,
        sizeUnit: 'rows',
        samplesMs: step,
        throughputUnit: 'rows/s',
        notes: 'batchScore (workflows/steps/kit/batch-score.ts): DuckDB streams the features, the scorer runs 20,000-row batches, predictions appended and joined back, Parquet written',
      });
      stepResult.ratio = { value: stepResult.ms.median / bareResult.ms.median, to: 'a bare session.run over the same batches' };
      return { results: [stepResult, bareResult], figures: { batchScoreRatioToBareRun: stepResult.ratio.value } };
    } finally {
      await releaseModel(model);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
