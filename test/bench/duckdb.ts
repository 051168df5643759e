// Benchmark 2: DuckDB table work on a 3M-row Parquet file.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeParquet } from '../../server/infra/duckdb';
import { splitParquet } from '../../workflows/steps/prepare.split/activity';
import { result, type BenchResult } from './result';
import { timeReps } from './stats';

export async function runDuckDbBenchmarks(repoRoot: string): Promise<BenchResult[]> {
  const file = path.join(repoRoot, 'node_modules/vega-datasets/data/flights-3m.parquet');
  const out: BenchResult[] = [];

  // The first call also creates the process's DuckDB instance: reported apart, as "cold".
  const coldStart = performance.now();
  const described = await describeParquet(file);
  const coldMs = performance.now() - coldStart;
  const rows = described.rows;
  const cols = described.columns.map((c) => `${c.name} ${c.type}`).join(', ');
  out.push(
    result({
      group: 'duckdb',
      name: 'describeParquet flights-3m',
      input: `${rows.toLocaleString('en')} rows; ${cols}`,
      size: rows,
      sizeUnit: 'rows',
      samplesMs: await timeReps(15, () => describeParquet(file)),
      throughputUnit: 'rows/s',
      notes: `DESCRIBE + count(*), warm (first call incl. DuckDB start: ${coldMs.toFixed(1)} ms); count(*) is answered from Parquet metadata, so rows/s is nominal`,
    }),
  );

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'millrace-bench-split-'));
  try {
    for (const stratifyBy of [undefined, 'origin']) {
      const opts = { testFraction: 0.2, seed: 7, stratifyBy };
      const trainFile = path.join(scratch, 'train.parquet');
      const testFile = path.join(scratch, 'test.parquet');
      const samplesMs = await timeReps(5, () => splitParquet(file, trainFile, testFile, opts));
      const counts = { train: (await describeParquet(trainFile)).rows, test: (await describeParquet(testFile)).rows };
      if (counts.train + counts.test !== rows) throw new Error(`split lost rows: ${JSON.stringify(counts)} of ${rows}`);
      out.push(
        result({
          group: 'duckdb',
          name: `train/test split flights-3m${stratifyBy ? ` stratified by ${stratifyBy}` : ''}`,
          input: `${rows.toLocaleString('en')} rows → ${counts.train.toLocaleString('en')} train + ${counts.test.toLocaleString('en')} test`,
          size: rows,
          sizeUnit: 'rows',
          samplesMs,
          throughputUnit: 'rows/s',
          notes: 'splitParquet of the prepare.split step; fraction 0.2, seed 7; writes both Parquet files',
        }),
      );
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return out;
}
