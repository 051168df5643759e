// The runs group's measuring process (test/bench/runs.ts starts it): its own stack (embedded Postgres,
// Temporal dev server, the Node worker and the Python fit worker; no web app) in a temporary data folder,
// driven through the services in this process, plus a bare Temporal worker of its own for the raw chain.
// Prints one line "RESULT {json}" at the end; everything else goes to stderr.
import { inDefaultWorkspace } from '../support/default-workspace';
import { measureOnOwnStack, say } from './bench-stack';
import { fileURLToPath } from 'node:url';


const CHAIN = 20;
const CHAIN_REPS = 5;
const CONCURRENT = Number(process.env.MILLRACE_BENCH_CONCURRENT_RUNS ?? 20);

export interface RunsMeasurement {
  /** Steps in the chain. */
  chain: number;
  /** Per step of a chain of CHAIN cheap steps (first step scheduled → last step completed, ÷ CHAIN), ms. */
  chainStepMs: number[];
  /** The same for CHAIN no-op activities in a bare workflow on the same server, ms. */
  rawActivityMs: number[];
  /** Where one chain step's time went (last repetition, median over its steps), ms. */
  chainPhases: Record<string, number>;
  /** The example pipeline alone, start to result (after a warm-up), ms. */
  singleRunMs: number[];
  /** CONCURRENT runs of it started at once, first start to last result, ms. */
  concurrentMs: number[];
  concurrent: number;
  fitConcurrency: number;
}


type HistoryEvent = NonNullable<Awaited<ReturnType<import('@temporalio/client').WorkflowHandle['fetchHistory']>>['events']>[number];
const at = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

/** Activities of a history in order: scheduled, started and completed times, by activity type. */
function activities(events: HistoryEvent[]) {
  return events
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((s) => {
      const id = String(s.eventId);
      const started = events.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === id);
      const completed = events.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === id);
      return { type: s.activityTaskScheduledEventAttributes!.activityType?.name ?? '', scheduled: at(s), started: started ? at(started) : NaN, completed: completed ? at(completed) : NaN };
    });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function measure(temporalAddress: string): Promise<RunsMeasurement> {
  const { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } = await import('@temporalio/worker');
  // Only problems from the SDK in the output.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { savePipeline } = await inDefaultWorkspace(await import('../../server/services/pipelines'));
  const { getRun, startRun, workflowIdOf } = await inDefaultWorkspace(await import('../../server/services/runs'));
  const { temporalClient } = await import('../../server/temporal');
  const client = await temporalClient();

  const runToEnd = async (pipeline: string, opts: { ignoreCache?: boolean } = {}) => {
    const started = await startRun(pipeline, opts);
    if (!started.ok) throw new Error(`${pipeline}: ${started.errors.map((e) => e.message).join('; ')}`);
    await client.workflow.getHandle(workflowIdOf(started.runId)).result();
    const view = await getRun(started.runId);
    if (view.status !== 'succeeded') throw new Error(`${pipeline} ${view.status}: ${JSON.stringify(view.steps.map((s) => [s.nodeId, s.status, s.error]))}`);
    return started.runId;
  };

  // The chain: the example dataset, then CHAIN column renames one after another (DuckDB reads and writes
  // a 344-row Parquet file, the artifact is stored and recorded: a real step that does little). Each run
  // renames under names of its own, so no step finds an identical earlier one in the step cache: every
  // step runs, cache lookup included.
  const ids = Array.from({ length: CHAIN }, (_, i) => `s${i + 1}`);
  let chainVersion = 0;
  const newChainVersion = async () => {
    const tag = `v${++chainVersion}`;
    const name = (i: number) => (i === 0 ? 'Sex' : `sex_${tag}_${i}`);
    const saved = await savePipeline({
      apiVersion: 'millrace/v1',
      name: 'bench-chain',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
        ...ids.map((id, i) => ({ id, type: 'prepare.select', params: { rename: [{ from: name(i), to: name(i + 1) }] } })),
      ],
      edges: ids.map((id, i) => ({ from: `${i === 0 ? 'load' : ids[i - 1]}.table`, to: `${id}.table` })),
    });
    if (!saved.ok) throw new Error(`bench-chain: ${saved.errors.map((e) => e.message).join('; ')}`);
  };

  // The raw engine: a bare worker in this process with one no-op activity, on a queue of its own.
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const rawQueue = 'millrace-bench-raw';
  const worker = await Worker.create({
    connection,
    taskQueue: rawQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./raw-chain-workflow.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    }),

    activities: { nothing: async (i: number) => i },
  });
  const running = worker.run();

  const out: RunsMeasurement = { chain: CHAIN, chainStepMs: [], rawActivityMs: [], chainPhases: {}, singleRunMs: [], concurrentMs: [], concurrent: CONCURRENT, fitConcurrency: 0 };
  try {
    await newChainVersion();
    await runToEnd('bench-chain'); // warm-up
    for (let rep = 0; rep < CHAIN_REPS; rep++) {
      say(`  chain ${rep + 1}/${CHAIN_REPS}`);
      // Alternating, so both see the same load on a shared machine.
      const rawId = `raw-chain-${Date.now()}-${rep}`;
      await client.workflow.execute('rawChainWorkflow', { workflowId: rawId, taskQueue: rawQueue, args: [CHAIN] });
      const raw = activities((await client.workflow.getHandle(rawId).fetchHistory()).events ?? []);
      out.rawActivityMs.push((raw.at(-1)!.completed - raw[0]!.scheduled) / CHAIN);

      await newChainVersion();
      const runId = await runToEnd('bench-chain');
      const acts = activities((await client.workflow.getHandle(workflowIdOf(runId)).fetchHistory()).events ?? []).filter((a) => a.type === 'prepare.select');
      if (acts.length !== CHAIN) throw new Error(`bench-chain ran ${acts.length} select activities, expected ${CHAIN}`);
      out.chainStepMs.push((acts.at(-1)!.completed - acts[0]!.scheduled) / CHAIN);
      const ran = acts.map((a) => a.completed - a.started);
      const queued = acts.map((a) => a.started - a.scheduled);
      const between = acts.slice(1).map((a, i) => a.scheduled - acts[i]!.completed);
      out.chainPhases = { 'activity queued': median(queued), 'activity ran': median(ran), 'completion to next scheduled': median(between) };
    }

    // Concurrency: the example pipeline alone, then CONCURRENT of it at once.
    // Every run does the whole work (the step cache would answer all but the first).
    await runToEnd('penguin-species', { ignoreCache: true }); // warm-up
    for (let rep = 0; rep < 2; rep++) {
      say(`  one run, then ${CONCURRENT} at once (${rep + 1}/2)`);
      let t0 = performance.now();
      await runToEnd('penguin-species', { ignoreCache: true });
      out.singleRunMs.push(performance.now() - t0);
      t0 = performance.now();
      await Promise.all(Array.from({ length: CONCURRENT }, () => runToEnd('penguin-species', { ignoreCache: true })));
      out.concurrentMs.push(performance.now() - t0);
    }
    out.fitConcurrency = Number(process.env.MILLRACE_FIT_CONCURRENCY ?? 0);
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
  return out;
}

void measureOnOwnStack('runs', { web: false }, (stack) => measure(stack.temporalAddress));
