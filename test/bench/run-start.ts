// Benchmark: the time from `POST /runs` to the run's first step starting, through the run outbox (the run,
// its steps and its start request in one transaction, then the workflow started), against a bare
// `client.workflow.start` to the first activity of a one-activity workflow on the same Temporal server.
// The measuring happens in test/bench/run-start-stack.ts, a process with a stack of its own.
import { measureInChild, median } from './child';
import { result, type BenchResult } from './result';
import type { StartMeasurement } from './run-start-stack';

export async function runStartBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const m = await measureInChild<StartMeasurement>(repoRoot, 'run-start-stack.ts');
  const raw = result({
    group: 'start',
    name: 'client.workflow.start → first activity',
    input: 'a one-activity workflow, its own worker',
    size: 1,
    sizeUnit: 'runs',
    samplesMs: m.rawStartToActivityMs,
    notes: 'workflow.start called to the activity reporting its start (Date.now() in the activity), same Temporal server',
  });
  const api = result({
    group: 'start',
    name: 'POST /runs → first step started',
    input: 'penguin-species (6 steps)',
    size: 1,
    sizeUnit: 'runs',
    samplesMs: m.postToFirstStepMs,
    notes:
      'request sent to the first step\'s started_at in Postgres: compile, the run + steps + start request in one transaction, ' +
      'workflow start, the workflow\'s first bookkeeping and the step activity starting; alternated with the raw row',
    ratio: { value: median(m.postToFirstStepMs) / median(m.rawStartToActivityMs), to: 'raw workflow.start → activity' },
  });
  return { results: [raw, api], figures: { 'POST /runs → first step ÷ raw start → activity': Number(api.ratio!.value.toFixed(3)) } };
}
