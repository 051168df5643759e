// The train group's measuring process (test/bench/train.ts starts it): its own stack (embedded Postgres,
// Temporal dev server, the Node worker and the Python fit worker; no web app) in a temporary data
// folder, driven through the services in this process. A process of its own, so the other groups'
// configuration and database handles, cached per process, are not this stack's.
// Prints one line "RESULT {json}" at the end; everything else goes to stderr.
import { measureOnOwnStack, repoRoot, say } from './bench-stack';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { pythonExecutable } from '../../server/infra/python-paths';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

export interface TrainMeasurement {
  /** A train step as a step (prepare, Python fit and export, registry) against its library's fit alone. */
  steps: {
    type: string;
    rows: number;
    stepMs: number[];
    fitActivityMs: number[];
    libraryMs: number[];
    /** CPU time (all threads) of the fit worker process during the run, and of the library's fit. */
    fitWorkerCpuMs: number[];
    libraryCpuMs: number[];
    metric: string;
    stepMetric: number;
    libraryMetric: number;
    /** Where the last repetition's step spent its time, from the workflow's history (ms). */
    phases: Record<string, number>;
  }[];
  /** The seeded example pipeline end to end against a plain pandas + scikit-learn script. */
  pipeline: { runMs: number[]; scriptMs: number[]; runAccuracy: number; scriptAccuracy: number };
}

const ROWS = Number(process.env.MILLRACE_BENCH_TRAIN_ROWS ?? 100_000);
const FEATURES = Array.from({ length: 20 }, (_, j) => `x${j}`);
// Every train algorithm with its step's default parameters (k-means: no target; its metric is the evaluate
// step's silhouette). MILLRACE_BENCH_TRAIN_ALGORITHMS="kmeans,linear_regression" measures only some.
const ALL_TRAIN_STEPS = [
  { type: 'train.random_forest', algorithm: 'random_forest', target: 'label', metric: 'accuracy', reps: 2 },
  { type: 'train.decision_tree', algorithm: 'decision_tree', target: 'label', metric: 'accuracy', reps: 3 },
  { type: 'train.gradient_boosting', algorithm: 'gradient_boosting', target: 'label', metric: 'accuracy', reps: 3 },
  { type: 'train.logistic_regression', algorithm: 'logistic_regression', target: 'label', metric: 'accuracy', reps: 3 },
  // A fit of about 0.1 s: the median needs more pairs than a long fit's to be more than the machine's noise.
  { type: 'train.linear_regression', algorithm: 'linear_regression', target: 'amount', metric: 'r2', reps: 7 },
  { type: 'train.kmeans', algorithm: 'kmeans', target: null, metric: 'silhouette', reps: 3 },
] as const;
const onlyAlgorithms = process.env.MILLRACE_BENCH_TRAIN_ALGORITHMS?.split(',').map((a) => a.trim()).filter(Boolean);
const TRAIN_STEPS = onlyAlgorithms?.length ? ALL_TRAIN_STEPS.filter((t) => onlyAlgorithms.includes(t.algorithm)) : ALL_TRAIN_STEPS;
const PIPELINE = process.env.MILLRACE_BENCH_TRAIN_PIPELINE !== '0';
const PIPELINE_REPS = 5;


/**
 * CPU time (user + system, every thread) a live process has used, with that of its children — the fit
 * worker's fit processes, live or already reaped — in ms (Linux /proc; clock ticks of 10 ms).
 */
function cpuMs(pid: number): number {
  const fieldsOf = (p: number | string) => {
    const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  };
  const own = fieldsOf(pid);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const f = fieldsOf(entry);
      if (Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12]); // ppid is the second field
    } catch {
      // gone meanwhile
    }
  }
  return ticks * 10;
}

async function measure(python: string, dataDir: string, fitWorkerPidFile: string): Promise<TrainMeasurement> {
  const fitWorkerPid = () => Number(fs.readFileSync(fitWorkerPidFile, 'utf8').trim());
  const { getDb } = await import('../../db/client');
  const { runSteps } = await import('../../db/schema');
  const { ingestDatasetFile } = await import('../../server/services/datasets');
  const { savePipeline } = await import('../../server/services/pipelines');
  const { getRun, startRun, workflowIdOf } = await import('../../server/services/runs');
  const { vegaDataFile } = await import('../../server/services/seed');
  const { temporalClient } = await import('../../server/temporal');
  const client = await temporalClient();

  /** Starts a run and waits for its workflow to finish; the wall time covers start to result. */
  const timedRun = async (pipeline: string) => {
    const t0 = performance.now();
    // Timed runs must fit: the step cache would reuse the warm-up's results.
    const started = await startRun(pipeline, { ignoreCache: true });
    if (!started.ok) throw new Error(`${pipeline}: ${started.errors.map((e) => e.message).join('; ')}`);
    await client.workflow.getHandle(workflowIdOf(started.runId)).result();
    const ms = performance.now() - t0;
    const view = await getRun(started.runId);
    if (view.status !== 'succeeded') throw new Error(`${pipeline} ${view.status}: ${JSON.stringify(view.steps.map((s) => [s.nodeId, s.status, s.error]))}`);
    return { ms, view, runId: started.runId };
  };
  /**
   * Where the step's time went: its Node halves run as local activities (no history events of their own), so
   * "prepare" is the step's start to fitModel's scheduling and "finish" fitModel's completion to the step's end;
   * fitModel's time is split into queued, ran, and inside it the fit worker's reading, preparing and writing,
   * the library's fit and the ONNX export (from the model's metadata).
   */
  const stepPhases = async (workflowId: string, step: { startedAt?: Date; finishedAt?: Date; summary?: Record<string, unknown> }) => {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const at = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
    const phases: Record<string, number> = {};
    for (const scheduled of events) {
      const a = scheduled.activityTaskScheduledEventAttributes;
      const name = a?.activityType?.name;
      if (!name || !['prepareFit', 'fitModel'].includes(name) && !name.startsWith('train.')) continue;
      const id = String(scheduled.eventId);
      const started = events.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === id);
      const completed = events.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === id);
      if (!started || !completed) continue;
      const key = name.startsWith('train.') ? 'finish' : name;
      phases[`${key} queued`] = at(started) - at(scheduled);
      phases[`${key} ran`] = at(completed) - at(started);
      if (name === 'fitModel') {
        phases.prepare = at(scheduled) - step.startedAt!.getTime();
        phases.finish = step.finishedAt!.getTime() - at(completed);
        const s = step.summary ?? {};
        const ms = (k: string) => Math.round(Number(s[k]) * 1000);
        phases['fit worker: the rest (read, prepare, write files)'] = ms('trainingSeconds') - ms('fitSeconds') - ms('exportSeconds');
        phases['fit worker: library fit'] = ms('fitSeconds');
        phases['fit worker: export'] = ms('exportSeconds');
      }
    }
    return phases;
  };
  const splitFiles = async (runId: string) => {
    const [row] = await getDb().select({ outputs: runSteps.outputs }).from(runSteps).where(and(eq(runSteps.runId, runId), eq(runSteps.nodeId, 'split')));
    const outputs = row!.outputs as Record<string, { hash: string }>;
    const file = (hash: string) => path.join(dataDir, 'artifacts', hash.slice(0, 2), hash);
    return { train: file(outputs.train!.hash), test: file(outputs.test!.hash) };
  };

  const table = path.join(dataDir, 'synthetic.parquet');
  await run(python, [path.join(here, 'train_baseline.py'), 'make', table, String(ROWS)]);
  await ingestDatasetFile({ name: 'synthetic', file: table, format: 'parquet' });

  /** A pipeline of the synthetic table, split 80/20, one train step and an evaluation. */
  const trainPipeline = async (name: string, t: { type: string; target: string | null }) => {
    const saved = await savePipeline({
      apiVersion: 'millrace/v1',
      name,
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'synthetic' } },
        { id: 'split', type: 'prepare.split', params: { testFraction: 0.2, seed: 7 } },
        { id: 'train', type: t.type, params: t.target ? { target: t.target, features: FEATURES } : { features: FEATURES } },
        { id: 'eval', type: 'validate.evaluate' },
      ],
      edges: [
        { from: 'load.table', to: 'split.table' },
        { from: 'split.train', to: 'train.table' },
        { from: 'train.model', to: 'eval.model' },
        { from: 'split.test', to: 'eval.table' },
      ],
    });
    if (!saved.ok) throw new Error(`${name}: ${saved.errors.map((e) => e.message).join('; ')}`);
  };
  // The library's side is timed after an untimed fit (train_baseline.py); the step's side likewise after one
  // untimed run of a train step (the cheapest), so neither pays for first calls: the Node worker's code
  // compiled, Postgres' plans and pages cached, a fit process that has fitted before.
  say('  warm-up run');
  await trainPipeline('bench-warm-up', { type: 'train.linear_regression', target: 'amount' });
  await timedRun('bench-warm-up');

  const steps: TrainMeasurement['steps'] = [];
  for (const t of TRAIN_STEPS) {
    const name = `bench-${t.algorithm.replace(/_/g, '-')}`;
    await trainPipeline(name, t);
    const m: TrainMeasurement['steps'][number] = {
      type: t.type, rows: 0, stepMs: [], fitActivityMs: [], libraryMs: [], fitWorkerCpuMs: [], libraryCpuMs: [], metric: t.metric, stepMetric: NaN, libraryMetric: NaN, phases: {},
    };
    // Alternating, so both sides see the same load on a shared machine.
    for (let i = 0; i < t.reps; i++) {
      say(`  ${t.type}: step ${i + 1}/${t.reps}`);
      const pid = fitWorkerPid();
      const cpuBefore = cpuMs(pid);
      const { view, runId } = await timedRun(name);
      if (fitWorkerPid() === pid) m.fitWorkerCpuMs.push(cpuMs(pid) - cpuBefore);
      const train = view.steps.find((s) => s.nodeId === 'train')!;
      m.stepMs.push(train.finishedAt!.getTime() - train.startedAt!.getTime());
      m.fitActivityMs.push(Number(train.summary?.trainingSeconds) * 1000);
      m.rows = Number(train.summary?.rowsUsed);
      m.stepMetric = Number(view.steps.find((s) => s.nodeId === 'eval')!.summary?.[t.metric]);
      m.phases = await stepPhases(workflowIdOf(runId), train);
      const files = await splitFiles(runId);
      say(`  ${t.type}: library fit ${i + 1}/${t.reps}`);
      const { stdout } = await run(python, [path.join(here, 'train_baseline.py'), 'fit', t.algorithm, files.train, files.test, t.target ?? 'label'], {
        maxBuffer: 1 << 20,
      });
      const lib = JSON.parse(stdout) as { seconds: number; cpuSeconds: number; metric: number };
      m.libraryMs.push(lib.seconds * 1000);
      m.libraryCpuMs.push(lib.cpuSeconds * 1000);
      m.libraryMetric = lib.metric;
    }
    steps.push(m);
  }

  // The seeded example: a run of the pipeline against the plain script, alternating, after one warm-up run.
  const penguins = vegaDataFile('penguins.json');
  const pipeline: TrainMeasurement['pipeline'] = { runMs: [], scriptMs: [], runAccuracy: NaN, scriptAccuracy: NaN };
  if (!PIPELINE) return { steps, pipeline };
  await timedRun('penguin-species');
  for (let i = 0; i < PIPELINE_REPS; i++) {
    say(`  penguin-species ${i + 1}/${PIPELINE_REPS}`);
    const { ms, view } = await timedRun('penguin-species');
    pipeline.runMs.push(ms);
    pipeline.runAccuracy = Number(view.steps.find((s) => s.nodeId === 'eval')!.summary?.accuracy);
    const t0 = performance.now();
    const { stdout } = await run(python, [path.join(here, 'penguins_script.py'), penguins, path.join(dataDir, 'script-model')]);
    pipeline.scriptMs.push(performance.now() - t0);
    pipeline.scriptAccuracy = (JSON.parse(stdout) as { accuracy: number }).accuracy;
  }
  return { steps, pipeline };
}

const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? path.join(repoRoot, '.millrace', 'python')));
void measureOnOwnStack('train', { web: false }, (stack, dataDir) => measure(python, dataDir, stack.fitWorkerPidFile));
