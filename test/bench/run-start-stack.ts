// The start group's measuring process (test/bench/run-start.ts starts it): its own stack (embedded Postgres,
// Temporal dev server, the workers and the built web app) in a temporary data folder. Measures the time
// from `POST /api/v1/pipelines/penguin-species/runs` to its first step starting (the step's own start
// time in Postgres), against a bare `client.workflow.start` of a one-activity workflow to its activity
// starting, on the same Temporal server, alternating. Prints "RESULT {json}"; the rest goes to stderr.
import { measureOnOwnStack, say } from './bench-stack';
import type { StackHandle } from '../../server/launcher/stack';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import postgres from 'postgres';

const REPS = Number(process.env.MILLRACE_BENCH_START_REPS ?? 10);

export interface StartMeasurement {
  /** POST /runs sent → the first step's start recorded by its activity (ms). */
  postToFirstStepMs: number[];
  /** client.workflow.start called → the one activity started (ms). */
  rawStartToActivityMs: number[];
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

void measureOnOwnStack('start', { web: 'start' }, (stack) => measure(stack));
