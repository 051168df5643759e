// Benchmark 3: fitting a model in Python (scikit-learn → ONNX) and scoring it in Node (onnxruntime-node).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { quoteLiteral, withDuckDb } from '../../server/infra/duckdb';
import { fitModel, type ModelMeta } from '../../server/infra/fitter';
import { loadModel, releaseModel, score, scoreColumns, validateRows } from '../../server/infra/scorer';
import * as ort from 'onnxruntime-node';
import { predictionLogRecord } from '../../server/services/prediction-log';
import { pythonExecutable } from '../../server/setup/python';
import { result, type BenchResult } from './result';
import { since, timeReps } from './stats';

const FIT_REPS = 3;
const LATENCY_CALLS = 200;
const BULK_ROWS = 100_000;
const BULK_REPS = 5;

type Row = Record<string, string | number | null>;

export interface MemorySnapshot {
  label: string;
  rssMB: number;
  /** The bench process's own JS heap (absent for another process, e.g. the web server). */
  heapUsedMB?: number;
}

function memory(label: string): MemorySnapshot {
  const m = process.memoryUsage();
  return { label, rssMB: m.rss / 2 ** 20, heapUsedMB: m.heapUsed / 2 ** 20 };
}

/** The endpoint's hot path without HTTP and the prediction log: validate the rows, then score them. */
async function predictLike(meta: ModelMeta, model: Parameters<typeof score>[0], rows: unknown[]) {
  const checked = validateRows(meta, rows);
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  return score(model, checked.rows);
}

export async function runModelBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; memory: MemorySnapshot[] }> {
  const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));
  if (!existsSync(python)) {
    throw new Error(`no Python venv at ${python}: run npm install (its postinstall creates it) or set MILLRACE_PYTHON_VENV`);
  }
  const json = path.join(repoRoot, 'node_modules/vega-datasets/data/penguins.json');
  const penguins = JSON.parse(await readFile(json, 'utf8')) as Row[];
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'millrace-bench-model-'));
  const results: BenchResult[] = [];
  const mem: MemorySnapshot[] = [];
  try {
    const table = path.join(tmp, 'penguins.parquet');
    await withDuckDb((conn) =>
      conn.run(`COPY (SELECT * FROM read_json_auto(${quoteLiteral(json)})) TO ${quoteLiteral(table)} (FORMAT parquet)`),
    );

    // ---- fit: a whole fitModel call (Python start, imports, fit, ONNX export, meta.json)
    let fitted: Awaited<ReturnType<typeof fitModel>> | undefined;
    const fitMs: number[] = [];
    for (let i = 0; i < FIT_REPS; i++) {
      const t = performance.now();
      fitted = await fitModel({
        python,
        tablePath: table,
        outDir: path.join(tmp, `fit-${i}`),
        algorithm: 'random_forest',
        task: 'auto',
        target: 'Species',
        params: { trees: 100, seed: 0 },
      });
      fitMs.push(since(t));
    }
    const { onnxPath, meta } = fitted!;
    results.push(
      result({
        group: 'model',
        name: 'fitModel random_forest 100 trees',
        input: `penguins: ${meta.rowsUsed} rows used, ${meta.features.length} features, ${meta.classes?.length ?? 0} classes`,
        size: meta.rowsUsed,
        sizeUnit: 'rows',
        samplesMs: fitMs,
        notes: `wall time of fitModel incl. Python start-up and ONNX export; ${FIT_REPS} fits, no warm-up`,
      }),
    );

    // ---- load + score
    mem.push(memory('before loadModel'));
    const loadStart = performance.now();
    const model = await loadModel(onnxPath, meta);
    const loadMs = since(loadStart);
    mem.push(memory('after loadModel'));
    try {
      const featureRows = penguins.map((r) => Object.fromEntries(meta.features.map((f) => [f.name, r[f.name] ?? null])));
      let next = 0;
      const oneRow = () => predictLike(meta, model, [featureRows[next++ % featureRows.length]]);
      const latency = await timeReps(LATENCY_CALLS, oneRow, 20);
      results.push(
        result({
          group: 'model',
          name: 'score 1 row (endpoint hot path)',
          input: '1 row per call, cycling through the penguins',
          size: 1,
          sizeUnit: 'call',
          samplesMs: latency,
          throughputUnit: 'calls/s',
          notes: `validateRows + score, ${LATENCY_CALLS} calls after 20 warm-up; no HTTP, no DB log; loadModel took ${loadMs.toFixed(1)} ms`,
        }),
      );

      // The same calls plus the request-path share of prediction logging (the log record; writing it
      // to Postgres happens later, in batches), against a bare session.run on ready-made tensors.
      const withLog = await timeReps(
        LATENCY_CALLS,
        async () => {
          const rows = [featureRows[next++ % featureRows.length]];
          const scored = await predictLike(meta, model, rows);
          predictionLogRecord(meta, rows, scored, { endpointId: 'bench', modelVersionId: 'bench', latencyMs: 0, maxBytes: 64 * 1024, requestId: 'bench' });
        },
        20,
      );
      const feeds: Record<string, ort.Tensor> = {};
      for (const f of meta.features) {
        const v = featureRows[0][f.name];
        feeds[f.input] =
          f.type === 'number'
            ? new ort.Tensor('float32', Float32Array.of(v === null ? NaN : Number(v)), [1, 1])
            : new ort.Tensor('string', [v === null ? '' : String(v)], [1, 1]);
      }
      const fetches = [meta.outputs.label, ...(meta.outputs.probabilities ? [meta.outputs.probabilities] : [])];
      const bare = await timeReps(LATENCY_CALLS, async () => void (await model.session.run(feeds, fetches)), 20);
      const withLogResult = result({
        group: 'model',
        name: 'predict 1 row with log record',
        input: '1 row per call, cycling through the penguins',
        size: 1,
        sizeUnit: 'call',
        samplesMs: withLog,
        throughputUnit: 'calls/s',
        notes: '',
      });
      const bareResult = result({
        group: 'model',
        name: 'bare session.run 1 row',
        input: 'ready-made [1,1] tensors, same row every call',
        size: 1,
        sizeUnit: 'call',
        samplesMs: bare,
        throughputUnit: 'calls/s',
        notes: `onnxruntime alone, ${LATENCY_CALLS} calls after 20 warm-up`,
      });
      withLogResult.ratio = { value: withLogResult.ms.median / bareResult.ms.median, to: 'a bare session.run' };
      withLogResult.notes =
        `validateRows + score + predictionLogRecord; median ${(withLogResult.ms.median / bareResult.ms.median).toFixed(2)}× a bare session.run`;
      results.push(withLogResult, bareResult);

      const columns: Record<string, unknown[]> = {};
      for (const f of meta.features) {
        const col = new Array<unknown>(BULK_ROWS);
        for (let i = 0; i < BULK_ROWS; i++) col[i] = penguins[i % penguins.length][f.name] ?? null;
        columns[f.name] = col;
      }
      let scored = 0;
      const bulk = await timeReps(BULK_REPS, async () => {
        scored = (await scoreColumns(model, columns)).predictions.length;
      });
      if (scored !== BULK_ROWS) throw new Error(`scored ${scored} of ${BULK_ROWS} rows`);
      results.push(
        result({
          group: 'model',
          name: `scoreColumns ${BULK_ROWS.toLocaleString('en')} rows`,
          input: `${BULK_ROWS.toLocaleString('en')} rows (penguins repeated), ${meta.features.length} feature columns`,
          size: BULK_ROWS,
          sizeUnit: 'rows',
          samplesMs: bulk,
          throughputUnit: 'rows/s',
          notes: `${BULK_REPS} calls after 1 warm-up; labels + per-class probabilities`,
        }),
      );
      mem.push(memory(`after scoring ${BULK_ROWS.toLocaleString('en')} rows`));
    } finally {
      await releaseModel(model);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { results, memory: mem };
}
