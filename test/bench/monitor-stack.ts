// The monitor group's measuring process (test/bench/monitor.ts starts it): its own stack (no web app), the
// seeded penguin-species run once to deploy `penguins`, then REQUESTS logged requests of ROWS_PER_REQUEST rows
// written straight into prediction_logs. Times the Endpoint traffic step's work (server/infra/endpoint-traffic.ts:
// the logged rows of the window as a typed Parquet table) against reading the same logs from Postgres once.
// Prints one line "RESULT {json}" at the end; everything else goes to stderr.
import { inDefaultWorkspace } from '../support/default-workspace';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureOnOwnStack, say } from './bench-stack';

const REQUESTS = Number(process.env.MILLRACE_BENCH_MONITOR_REQUESTS ?? 100_000);
const ROWS_PER_REQUEST = 5;
const REPS = 3;

export interface MonitorMeasurement {
  requests: number;
  rows: number;
  /** Reading inputs and outputs of every logged request of the window through postgres.js, ms. */
  rawReadMs: number[];
  /** writeTrafficTable over the same window, ms. */
  trafficMs: number[];
  /** Rows the table got (equal to `rows` when nothing was lost). */
  tableRows: number;
}

async function measure(): Promise<MonitorMeasurement> {
  const { startRun, workflowIdOf } = await inDefaultWorkspace(await import('../../server/services/runs'));
  const { temporalClient } = await import('../../server/temporal');
  const { slotModel, writeTrafficTable } = await inDefaultWorkspace(await import('../../server/infra/endpoint-traffic'));
  const { getDb } = await import('../../db/client');
  const { sql } = await import('drizzle-orm');
  const started = await startRun('penguin-species');
  if (!started.ok) throw new Error(started.errors.map((e) => e.message).join('; '));
  await (await temporalClient()).workflow.getHandle(workflowIdOf(started.runId)).result();
  const model = await slotModel('penguins', 'production');
  say(`[monitor bench] logging ${REQUESTS} requests of ${ROWS_PER_REQUEST} rows to penguins`);
  const since = new Date(Date.now() - 60_000);
  // Penguin-like rows: three islands, two sexes, measurements spread around the data's own.
  const row = `jsonb_build_object('Island', (ARRAY['Biscoe','Dream','Torgersen'])[1 + (random() * 2.99)::int], 'Beak Length (mm)', 32 + random() * 28,
    'Beak Depth (mm)', 13 + random() * 8, 'Flipper Length (mm)', 170 + random() * 60, 'Body Mass (g)', 2700 + random() * 3600,
    'Sex', (ARRAY['MALE','FEMALE'])[1 + (random() * 0.99)::int])`;
  const rows = Array.from({ length: ROWS_PER_REQUEST }, () => row).join(', ');
  const predictions = Array.from({ length: ROWS_PER_REQUEST }, () => `(ARRAY['Adelie','Chinstrap','Gentoo'])[1 + (random() * 2.99)::int]`).join(', ');
  for (let done = 0; done < REQUESTS; done += 10_000) {
    await getDb().execute(sql.raw(`
      INSERT INTO prediction_logs (endpoint_id, model_version_id, inputs, outputs, row_count, latency_ms, request_id)
      SELECT '${model.endpointId}', '${model.modelVersionId}', jsonb_build_array(${rows}), jsonb_build_object('predictions', jsonb_build_array(${predictions})),
             ${ROWS_PER_REQUEST}, 0.1, 'bench-' || g
      FROM generate_series(${done + 1}, ${Math.min(done + 10_000, REQUESTS)}) g`));
  }
  const { default: postgres } = await import('postgres');
  const raw = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'millrace-bench-monitor-'));
  const rawReadMs: number[] = [];
  const trafficMs: number[] = [];
  let tableRows = 0;
  try {
    for (let rep = 0; rep <= REPS; rep++) {
      let t = performance.now();
      const read = await raw`select inputs, outputs from prediction_logs where endpoint_id = ${model.endpointId} and created_at >= ${since}`;
      const rawMs = performance.now() - t;
      if (read.length < REQUESTS) throw new Error(`read ${read.length} logged requests, expected ${REQUESTS}`);
      const scratch = fs.mkdtempSync(path.join(dir, 'rep-'));
      t = performance.now();
      const out = await writeTrafficTable({ model, slot: 'production', since, predictionColumn: model.target, types: model.training?.columns ?? [], scratchDir: scratch, file: path.join(scratch, 'current.parquet') });
      const ms = performance.now() - t;
      tableRows = out.rows;
      fs.rmSync(scratch, { recursive: true, force: true });
      // The first round warms both up.
      if (rep > 0) {
        rawReadMs.push(rawMs);
        trafficMs.push(ms);
      }
      say(`[monitor bench] rep ${rep}: raw read ${rawMs.toFixed(0)} ms, traffic table ${ms.toFixed(0)} ms`);
    }
  } finally {
    await raw.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { requests: REQUESTS, rows: REQUESTS * ROWS_PER_REQUEST, rawReadMs, trafficMs, tableRows };
}

void measureOnOwnStack('monitor', { web: false }, () => measure());
