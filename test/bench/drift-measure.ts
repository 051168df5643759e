// The drift group's measuring process (started by test/bench/drift.ts with the two Parquet files): a DuckDB
// instance set up as the monitor.drift step's (2 threads, a memory limit, spilling to disk), nothing else.
// `time`: alternates computeDrift with the raw engine reading the same files once. `memory-drift` /
// `memory-raw`: one operation in a fresh process, then its peak resident memory (VmHWM).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { computeDrift, type DriftReport } from '../../server/infra/drift';
import { quoteLiteral } from '../../server/infra/duckdb';

const [mode, ref, cur, memoryLimit, repsText] = process.argv.slice(2) as [string, string, string, string, string];

function statusMB(field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN) / 1024;
}

/** DuckDB reading every value of both files once: the least any drift computation must do. */
async function rawRead(conn: DuckDBConnection): Promise<void> {
  for (const file of [ref, cur]) {
    const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(file)})`)).getRowObjectsJS();
    const touch = described.map((r, i) => `sum(hash("${String(r.column_name)}")) AS h${i}`).join(', ');
    await conn.run(`SELECT ${touch} FROM read_parquet(${quoteLiteral(file)})`);
  }
}

const drift = (conns: DuckDBConnection[]) => computeDrift(conns, { parquet: ref }, { parquet: cur });

async function main() {
  const startRss = statusMB('VmRSS');
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '2',
    memory_limit: memoryLimit,
    temp_directory: path.join(os.tmpdir(), 'millrace-bench-drift-spill'),
  });
  const conn = await instance.connect();
  // As the step does: two connections, two features at a time.
  const pair = [conn, await instance.connect()];
  if (mode === 'memory-drift' || mode === 'memory-raw') {
    const t = performance.now();
    let report: DriftReport | undefined;
    if (mode === 'memory-drift') report = await drift(pair);
    else await rawRead(conn);
    const ms = performance.now() - t;
    console.log(`RESULT ${JSON.stringify({ startRssMB: startRss, peakRssMB: statusMB('VmHWM'), ms, drifted: report?.driftedFeatures })}`);
    return;
  }
  const reps = Number(repsText);
  const rawMs: number[] = [];
  const driftMs: number[] = [];
  let report = await drift(pair); // warm-up of both
  await rawRead(conn);
  for (let i = 0; i < reps; i++) {
    let t = performance.now();
    await rawRead(conn);
    rawMs.push(performance.now() - t);
    t = performance.now();
    report = await drift(pair);
    driftMs.push(performance.now() - t);
  }
  const drifted = report.features.filter((f) => f.drifted).map((f) => f.column);
  console.log(`RESULT ${JSON.stringify({ rawMs, driftMs, drifted, features: report.features.length, datasetDrift: report.datasetDrift })}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
