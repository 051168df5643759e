// The predict group's measuring process (test/bench/predict.ts starts it): its own stack (embedded
// Postgres, Temporal dev server, the workers and the built web app) in a temporary data folder, the
// example pipeline run once so endpoint "penguins" serves its forest, then autocannon (10 connections,
// logging on) against three servers, alternating: the floor (node:http + the scorer on the same ONNX
// file), Millrace's predict service behind a bare node:http server, and the web app `npm start` runs
// (server/launcher/web-server.ts). Prints "RESULT {json}".
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { artifactStore } from '../../server/infra/artifact-store';
import type { StackHandle } from '../../server/launcher/stack';
import { benchAuthHeaders, measureOnOwnStack, repoRoot, say } from './bench-stack';
import { percentile } from './stats';

const DURATION_S = Number(process.env.MILLRACE_BENCH_PREDICT_SECONDS ?? 8);
const ROUNDS = Number(process.env.MILLRACE_BENCH_PREDICT_ROUNDS ?? 2);
const CONNECTIONS = 10;
export const PREDICT_SIZES = [1, 100] as const;
export const PREDICT_TARGETS = ['floor', 'service', 'web'] as const;
export type PredictTarget = (typeof PREDICT_TARGETS)[number];

export interface LoadRun {
  /** Latency of every 2xx answer (ms, as autocannon measured it on the client side). */
  latenciesMs: number[];
  requestsPerSecond: number;
  non2xx: number;
  errors: number;
}

/** Every round's answers of one server at one size, as the client saw them (ms). */
export interface LoadSummary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  /** Requests answered per second, one figure per round. */
  requestsPerSecond: number[];
}

export interface PredictMeasurement {
  durationSeconds: number;
  connections: number;
  rounds: number;
  /** By rows per request, then target. */
  runs: Record<string, Record<PredictTarget, LoadSummary>>;
  /** The service's own time per request as logged in prediction_logs.latency_ms (validation + scoring), by rows. */
  loggedLatencyMs: Record<string, { p50: number; p99: number; n: number }>;
  /** Log records written during the web app's runs vs requests it answered 2xx, by rows. */
  logged: Record<string, { answered: number; written: number; droppedSinceStart: number }>;
}

const penguin = (i: number) => ({
  Island: ['Biscoe', 'Dream', 'Torgersen'][i % 3],
  'Beak Length (mm)': 38 + (i % 13),
  'Beak Depth (mm)': 15 + (i % 5),
  'Flipper Length (mm)': 185 + (i % 40),
  'Body Mass (g)': 3500 + 10 * i,
  Sex: i % 2 ? 'MALE' : 'FEMALE',
});

function load(url: string, body: string, seconds: number, requestId?: string): Promise<LoadRun> {
  return new Promise((resolve, reject) => {
    const latenciesMs: number[] = [];
    const instance = autocannon(
      { url, method: 'POST', connections: CONNECTIONS, duration: seconds, headers: { 'content-type': 'application/json', ...benchAuthHeaders(), ...(requestId ? { 'x-request-id': requestId } : {}) }, body },
      (err, result) => {
        if (err) return reject(err);
        resolve({ latenciesMs, requestsPerSecond: result.requests.total / seconds, non2xx: result.non2xx, errors: result.errors + result.timeouts });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latenciesMs.push(ms);
    });
  });
}

function summarise(runs: LoadRun[]): LoadSummary {
  const all = runs.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  return {
    n: all.length,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
    min: all[0] ?? NaN,
    max: all[all.length - 1] ?? NaN,
    requestsPerSecond: runs.map((r) => r.requestsPerSecond),
  };
}

function startServer(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'bench', 'predict-server.ts'), ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /LISTENING (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`predict-server ${args[0]} exited with ${code}`)));
  });
}

async function measure(stack: StackHandle, dataDir: string): Promise<PredictMeasurement> {
  const sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} });
  const children: ChildProcess[] = [];
  try {
    say('  predict: training and deploying penguin-species');
    const started = await fetch(`${stack.webUrl}/api/v1/pipelines/penguin-species/runs`, { method: 'POST' });
    const { runId } = (await started.json()) as { runId: string };
    for (;;) {
      const run = (await (await fetch(`${stack.webUrl}/api/v1/runs/${runId}`)).json()) as { status: string };
      if (run.status === 'succeeded') break;
      if (['failed', 'cancelled'].includes(run.status)) throw new Error(`penguin-species run ${run.status}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const [v] = await sql<{ artifact_hash: string; meta: unknown }[]>`
      select v.artifact_hash, v.meta from endpoints e join model_versions v on v.id = e.model_version_id where e.name = 'penguins'`;
    const metaPath = path.join(dataDir, 'bench-model-meta.json');
    writeFileSync(metaPath, JSON.stringify(v!.meta));
    const onnxPath = await artifactStore().localPath(v!.artifact_hash);

    const floor = await startServer(['score', onnxPath, metaPath]);
    const service = await startServer(['service']);
    children.push(floor.child, service.child);
    const urls: Record<PredictTarget, string> = {
      floor: `http://127.0.0.1:${floor.port}/api/v1/endpoints/penguins/predict`,
      service: `http://127.0.0.1:${service.port}/api/v1/endpoints/penguins/predict`,
      web: `${stack.webUrl}/api/v1/endpoints/penguins/predict`,
    };

    const out: PredictMeasurement = { durationSeconds: DURATION_S, connections: CONNECTIONS, rounds: ROUNDS, runs: {}, loggedLatencyMs: {}, logged: {} };
    for (const size of PREDICT_SIZES) {
      const body = JSON.stringify({ rows: Array.from({ length: size }, (_, i) => penguin(i)) });
      const runs: Record<PredictTarget, LoadRun[]> = { floor: [], service: [], web: [] };
      // The web app's requests carry an id of their own, so its log records can be told from the service's.
      const tag = `bench-web-${size}`;
      let answered = 0;
      for (let round = 0; round < ROUNDS; round++) {
        for (const target of PREDICT_TARGETS) {
          say(`  predict: ${size} row(s), ${target}, round ${round + 1}/${ROUNDS}`);
          const id = target === 'web' ? tag : undefined;
          const warm = await load(urls[target], body, 1, id); // warm-up: connections, JIT, the model and endpoint caches
          const run = await load(urls[target], body, DURATION_S, id);
          if (run.non2xx || run.errors) throw new Error(`${target}, ${size} row(s): ${run.non2xx} non-2xx answers, ${run.errors} errors`);
          runs[target].push(run);
          if (target === 'web') answered += warm.latenciesMs.length + run.latenciesMs.length;
        }
      }
      out.runs[size] = Object.fromEntries(PREDICT_TARGETS.map((t) => [t, summarise(runs[t])])) as Record<PredictTarget, LoadSummary>;
      // Let the web app's log queue drain (its health answer counts what is queued and what was dropped),
      // then read what the service itself spent per request.
      let dropped = 0;
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 500));
        const health = (await (await fetch(`${stack.webUrl}/api/health`)).json()) as { predictionLog?: { queued: number; dropped: number } };
        dropped = health.predictionLog?.dropped ?? 0;
        if (health.predictionLog?.queued === 0) break;
      }
      await new Promise((r) => setTimeout(r, 500)); // the batch in flight
      const [stats] = await sql<{ p50: number; p99: number; n: number }[]>`
        select percentile_cont(0.5) within group (order by latency_ms) as p50,
               percentile_cont(0.99) within group (order by latency_ms) as p99, count(*)::int as n
        from prediction_logs where request_id = ${tag}`;
      out.loggedLatencyMs[size] = stats!;
      out.logged[size] = { answered, written: stats!.n, droppedSinceStart: dropped };
    }
    return out;
  } finally {
    for (const c of children) c.kill();
    await sql.end();
  }
}

void measureOnOwnStack('predict', { web: 'start' }, (stack, dataDir) => measure(stack, dataDir));
