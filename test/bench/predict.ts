// Benchmark: POST /api/v1/endpoints/{name}/predict under load (autocannon, 10 connections, logging on),
// 1 and 100 rows per request, next to the floor — a bare node:http server scoring the same ONNX model with
// the same input — and to Millrace's predict service behind node:http (no Next.js), in the same run.
// The measuring happens in test/bench/predict-stack.ts, a process with a stack of its own.
import { measureInChild, round } from './child';
import type { PredictMeasurement, PredictTarget } from './predict-stack';
import { result, type BenchResult } from './result';
import { percentile } from './stats';

const TITLES: Record<PredictTarget, string> = {
  floor: 'floor: node:http + scorer',
  service: 'predict service on node:http',
  next: 'POST /predict (Next.js route)',
};

export async function runPredictBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const m = await measureInChild<PredictMeasurement>(repoRoot, 'predict-stack.ts');
  const results: BenchResult[] = [];
  const figures: Record<string, number> = {};
  for (const [size, byTarget] of Object.entries(m.runs)) {
    const summary = (t: PredictTarget) => {
      const latencies = byTarget[t].flatMap((r) => r.latenciesMs);
      const rps = byTarget[t].map((r) => r.requestsPerSecond);
      return { latencies, p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps: rps.reduce((a, b) => a + b, 0) / rps.length, rpsEach: rps };
    };
    const floor = summary('floor');
    for (const t of ['floor', 'service', 'next'] as const) {
      const s = summary(t);
      const label = `${size} row${size === '1' ? '' : 's'}`;
      results.push(
        result({
          group: 'predict',
          name: `${TITLES[t]}, ${label}`,
          input: `${label} per request, ${m.connections} connections, ${byTarget[t].length} × ${m.durationSeconds} s`,
          size: 1,
          sizeUnit: 'requests',
          samplesMs: s.latencies,
          notes:
            `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, ${s.rps.toFixed(0)} requests/s (per round: ${s.rpsEach.map((r) => r.toFixed(0)).join(', ')})` +
            (t === 'next'
              ? `; the service's own time (prediction_logs.latency_ms) p50 ${m.loggedLatencyMs[size]!.p50.toFixed(3)} ms, p99 ${m.loggedLatencyMs[size]!.p99.toFixed(3)} ms; ` +
                `${m.logged[size]!.written} log records for ${m.logged[size]!.answered} answers`
              : ''),
          ...(t === 'floor' ? {} : { ratio: { value: s.p50 / floor.p50, to: 'floor p50' } }),
        }),
      );
      const key = `predict ${label} ${t}`;
      figures[`${key} requests/s`] = round(s.rps, 0);
      figures[`${key} p50 ms`] = round(s.p50);
      figures[`${key} p99 ms`] = round(s.p99);
      if (t !== 'floor') {
        figures[`${key} ÷ floor requests/s`] = round(s.rps / floor.rps);
        figures[`${key} ÷ floor p99`] = round(s.p99 / floor.p99);
      }
    }
    figures[`predict ${size} logged ÷ answered`] = round(m.logged[size]!.written / Math.max(1, m.logged[size]!.answered));
  }
  return { results, figures };
}
