// The start group's measuring process (test/bench/run-start.ts starts it): its own stack (embedded Postgres,
// Temporal dev server, the workers and the built web app) in a temporary data folder. Measures the time
// from `POST /api/v1/pipelines/penguin-species/runs` to its first step starting (the step's own start
// time in Postgres), against a bare `client.workflow.start` of a one-activity workflow to its activity
// starting, on the same Temporal server, alternating. Prints "RESULT {json}"; the rest goes to stderr.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import postgres from 'postgres';
import { loadConfig } from '../../server/infra/config';
import { freePorts } from '../../server/launcher/ports';
import { startStack, type StackHandle } from '../../server/launcher/stack';
import { ensureTemporalCli } from '../../server/setup/temporal-cli';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (line: string) => process.stderr.write(`${line}\n`);
const REPS = Number(process.env.MILLRACE_BENCH_START_REPS ?? 10);

export interface StartMeasurement {
  /** POST /runs sent → the first step's start recorded by its activity (ms). */
  postToFirstStepMs: number[];
  /** client.workflow.start called → the one activity started (ms). */
  rawStartToActivityMs: number[];
}

async function main() {
  const dataDir = fs.mkdtempSync('/tmp/millrace-bench-start-');
  const repoDefaults = loadConfig({ ...process.env, MILLRACE_DATA_DIR: path.join(repoRoot, '.millrace') });
  const temporalCli = process.env.TEMPORAL_CLI ?? (await ensureTemporalCli(repoDefaults));
  const [port, pgPort, temporalPort, temporalUiPort] = await freePorts(4);
  delete process.env.DATABASE_URL;
  delete process.env.TEMPORAL_ADDRESS;
  Object.assign(process.env, {
    PORT: String(port),
    MILLRACE_DATA_DIR: dataDir,
    MILLRACE_PG_PORT: String(pgPort),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(temporalUiPort),
    TEMPORAL_CLI: temporalCli,
    MILLRACE_PYTHON_VENV: path.resolve(process.env.MILLRACE_PYTHON_VENV ?? path.join(repoRoot, '.millrace', 'python')),
    MILLRACE_TASK_QUEUE: 'millrace-bench-start',
  });
  const log: string[] = [];
  let stack: StackHandle | undefined;
  try {
    stack = await startStack(loadConfig(process.env), { web: 'start', worker: true, log: (l) => log.push(l), temporalCli });
    const out = await measure(stack);
    process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  } catch (err) {
    say(`start bench failed: ${(err as Error).stack ?? err}\nlast stack lines:\n${log.slice(-40).join('\n')}`);
    process.exitCode = 1;
  } finally {
    await stack?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit();
}

async function measure(stack: StackHandle): Promise<StartMeasurement> {
  const sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const rawQueue = 'bench-raw-start';
  const workerConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue: rawQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./raw-start-workflow.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    }),
    activities: { firstStep: async () => Date.now() },
  });
  const running = worker.run();
  const out: StartMeasurement = { postToFirstStepMs: [], rawStartToActivityMs: [] };
  try {
    const raw = async () => {
      const t0 = Date.now();
      const handle = await client.workflow.start('oneActivityWorkflow', { taskQueue: rawQueue, workflowId: `raw-${crypto.randomUUID()}` });
      return ((await handle.result()) as number) - t0;
    };
    const viaApi = async () => {
      const t0 = Date.now();
      const res = await fetch(`${stack.webUrl}/api/v1/pipelines/penguin-species/runs`, { method: 'POST' });
      const { runId } = (await res.json()) as { runId: string };
      if (res.status !== 202) throw new Error(`POST /runs answered ${res.status}`);
      for (;;) {
        const [row] = await sql<{ started_at: Date | null }[]>`select started_at from run_steps where run_id = ${runId} and node_id = 'load'`;
        if (row?.started_at) {
          // Done with this run: cancel it and let it finish before the next measurement.
          await fetch(`${stack.webUrl}/api/v1/runs/${runId}/cancel`, { method: 'POST' });
          for (;;) {
            const [r] = await sql<{ status: string }[]>`select status from runs where id = ${runId}`;
            if (r && !['queued', 'running'].includes(r.status)) break;
            await new Promise((res2) => setTimeout(res2, 100));
          }
          return row.started_at.getTime() - t0;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    // Warm-up: the first of each pays for connections and caches.
    await raw();
    await viaApi();
    for (let i = 0; i < REPS; i++) {
      say(`  start: repetition ${i + 1}/${REPS}`);
      out.rawStartToActivityMs.push(await raw());
      out.postToFirstStepMs.push(await viaApi());
    }
  } finally {
    worker.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    await sql.end();
  }
  return out;
}

await main();
