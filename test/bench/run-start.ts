// Benchmark: the time from `POST /runs` to the run's first step starting, through the run outbox (the run,
// its steps and its start request in one transaction, then the workflow started), against a bare
// `client.workflow.start` to the first activity of a one-activity workflow on the same Temporal server.
// The measuring happens in test/bench/run-start-stack.ts, a process with a stack of its own.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { result, type BenchResult } from './result';
import type { StartMeasurement } from './run-start-stack';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function measureInChild(repoRoot: string): Promise<StartMeasurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'bench', 'run-start-stack.ts')], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      if (process.env.MILLRACE_BENCH_VERBOSE === '1') process.stderr.write(c);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`run-start-stack.ts exited with ${code}:\n${stderr.slice(-4000)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as StartMeasurement);
    });
  });
}

export async function runStartBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const m = await measureInChild(repoRoot);
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
