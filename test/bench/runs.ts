// Benchmark 6: what running costs — a step of a chain of cheap steps against a raw Temporal activity on the
// same server, and many runs at once against one alone. The measuring happens in test/bench/runs-stack.ts,
// a process with a stack of its own; this turns its figures into rows and ratios.
import { measureInChild, median, round } from './child';
import { result, type BenchResult } from './result';
import type { RunsMeasurement } from './runs-stack';

export async function runRunsBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const m = await measureInChild<RunsMeasurement>(repoRoot, 'runs-stack.ts');
  const raw = result({
    group: 'runs',
    name: 'raw Temporal activity in a chain',
    input: `${m.chain} no-op activities one after another`,
    size: 1,
    sizeUnit: 'activities',
    samplesMs: m.rawActivityMs,
    throughputUnit: 'activities/s',
    notes: 'a bare workflow and worker on the same Temporal server: first scheduled to last completed, ÷ the count',
  });
  const step = result({
    group: 'runs',
    name: 'step in a chain of cheap steps',
    input: `${m.chain} prepare.select steps (a column renamed) on penguins (344 rows)`,
    size: 1,
    sizeUnit: 'steps',
    samplesMs: m.chainStepMs,
    throughputUnit: 'steps/s',
    notes:
      'the same span in a run of a pipeline: each step reads and writes Parquet with DuckDB, stores its artifact and records ' +
      `its status and lineage in Postgres; last repetition, median ms: ${Object.entries(m.chainPhases).map(([k, v]) => `${k} ${round(v, 1)}`).join(', ')}`,
    ratio: { value: median(m.chainStepMs) / median(m.rawActivityMs), to: 'raw Temporal activity' },
  });
  const single = result({
    group: 'runs',
    name: 'penguin-species run alone',
    input: '6 steps: load, split, train, evaluate, gate, deploy',
    size: 1,
    sizeUnit: 'runs',
    samplesMs: m.singleRunMs,
    notes: 'startRun to the workflow result, after a warm-up run',
  });
  const concurrent = result({
    group: 'runs',
    name: `${m.concurrent} penguin-species runs at once`,
    input: `${m.concurrent} runs started together`,
    size: m.concurrent,
    sizeUnit: 'runs',
    samplesMs: m.concurrentMs,
    throughputUnit: 'runs/s',
    notes: `first start to last result; fits at once: ${m.fitConcurrency || 'the fit worker default'}`,
    ratio: { value: median(m.concurrentMs) / median(m.singleRunMs), to: 'one run alone' },
  });
  return {
    results: [raw, step, single, concurrent],
    figures: {
      'chain step ÷ raw Temporal activity (goal ≤ 1.2)': round(step.ratio!.value),
      [`${m.concurrent} concurrent runs ÷ one run`]: round(concurrent.ratio!.value),
    },
  };
}
