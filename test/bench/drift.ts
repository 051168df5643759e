// Benchmark: monitor.drift's statistics (server/infra/drift.ts) on 1,000,000 rows × 20 columns (10 numbers,
// 10 text), reference against current, next to DuckDB reading the same two files once. Measured in a
// process of its own (test/bench/drift-measure.ts), so its peak memory is the drift work's alone.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { quoteLiteral, withDuckDb } from '../../server/infra/duckdb';
import { measureInChild, round } from './child';
import { result, type BenchResult } from './result';
import { summarize } from './stats';

const ROWS = Number(process.env.MILLRACE_BENCH_DRIFT_ROWS ?? 1_000_000);
const REPS = 5;
/** As the step runs it: the bounded instance's default limit (MILLRACE_UPLOAD_MEMORY_LIMIT). */
const MEMORY_LIMIT = process.env.MILLRACE_UPLOAD_MEMORY_LIMIT ?? '256MB';

/** 10 number columns (normal, uniform, log-normal, integer counts; 1 % nulls in some) and 10 text columns (3 to 48 categories). */
function tableSql(shifted: boolean): string {
  const s = shifted ? 1 : 0;
  const normal = '(sqrt(-2 * ln(random())) * cos(2 * pi() * random()))';
  const numbers = [
    `${normal} * 10 + ${50 + 3 * s} AS n0`,
    `${normal} * 2 + 5 AS n1`,
    `random() * ${100 + 20 * s} AS n2`,
    `random() AS n3`,
    `exp(${normal} * ${shifted ? 1.3 : 1}) AS n4`,
    `exp(${normal}) AS n5`,
    `floor(random() * ${shifted ? 12 : 10})::DOUBLE AS n6`,
    `floor(-ln(random()) * 3)::DOUBLE AS n7`,
    `CASE WHEN random() < 0.01 THEN NULL ELSE ${normal} * 1000 END AS n8`,
    `CASE WHEN random() < 0.01 THEN NULL ELSE random() * 1e6 END AS n9`,
  ];
  const text = Array.from({ length: 10 }, (_, i) => {
    const k = 3 + 5 * i;
    // Shifted: the first three text columns lean towards their low categories.
    const u = shifted && i < 3 ? 'random() ^ 1.6' : 'random()';
    return `'cat ' || floor(${u} * ${k})::INTEGER AS s${i}`;
  });
  return `SELECT ${[...numbers, ...text].join(', ')} FROM range(${ROWS})`;
}

export async function runDriftBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'millrace-bench-drift-'));
  try {
    const ref = path.join(dir, 'reference.parquet');
    const cur = path.join(dir, 'current.parquet');
    await withDuckDb(async (conn) => {
      await conn.run(`COPY (${tableSql(false)}) TO ${quoteLiteral(ref)} (FORMAT parquet)`);
      await conn.run(`COPY (${tableSql(true)}) TO ${quoteLiteral(cur)} (FORMAT parquet)`);
    });
    const args = [ref, cur, MEMORY_LIMIT, String(REPS)];
    const memoryRaw = await measureInChild<{ startRssMB: number; peakRssMB: number }>(repoRoot, 'drift-measure.ts', ['memory-raw', ...args]);
    const memoryDrift = await measureInChild<{ startRssMB: number; peakRssMB: number; ms: number }>(repoRoot, 'drift-measure.ts', ['memory-drift', ...args]);
    const timed = await measureInChild<{ rawMs: number[]; driftMs: number[]; drifted: string[]; features: number; datasetDrift: boolean }>(
      repoRoot,
      'drift-measure.ts',
      ['time', ...args],
    );
    const input = `${ROWS.toLocaleString('en')} rows × 20 columns (10 numbers, 10 text), reference and current Parquet`;
    const raw = result({
      group: 'drift',
      name: 'DuckDB reads both files once',
      input,
      size: 2 * ROWS,
      sizeUnit: 'rows',
      samplesMs: timed.rawMs,
      throughputUnit: 'rows/s',
      notes: `SELECT sum(hash(column)) of every column of each file, the same DuckDB set-up (2 threads, memory limit ${MEMORY_LIMIT}); peak RSS of a fresh process doing it once: ${memoryRaw.peakRssMB.toFixed(0)} MB (${memoryRaw.startRssMB.toFixed(0)} MB at start)`,
    });
    const drift = result({
      group: 'drift',
      name: 'computeDrift 20 features',
      input,
      size: 2 * ROWS,
      sizeUnit: 'rows',
      samplesMs: timed.driftMs,
      throughputUnit: 'rows/s',
      notes:
        `server/infra/drift.ts with the step's defaults (every statistic per feature: exact KS and p-value, Wasserstein, PSI and Jensen–Shannon on deciles; PSI, Jensen–Shannon and chi-squared for text), ` +
        `alternating with the raw read; drifted: ${timed.drifted.join(', ')} of ${timed.features}; peak RSS of a fresh process computing it once: ${memoryDrift.peakRssMB.toFixed(0)} MB (${memoryDrift.startRssMB.toFixed(0)} MB at start), memory limit ${MEMORY_LIMIT}`,
      ratio: { value: summarize(timed.driftMs).median / summarize(timed.rawMs).median, to: 'raw read' },
    });
    return {
      results: [raw, drift],
      figures: {
        'drift: median ms': round(drift.ms.median, 0),
        'drift: ratio to raw read': round(drift.ratio!.value, 2),
        'drift: peak RSS MB (fresh process)': round(memoryDrift.peakRssMB, 0),
        'drift: raw read peak RSS MB (fresh process)': round(memoryRaw.peakRssMB, 0),
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
