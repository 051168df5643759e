// Benchmark: POST /api/v1/endpoints/{name}/predict under load (autocannon, 10 connections, logging on),
// 1 and 100 rows per request, next to the floor — a bare node:http server scoring the same ONNX model with
// the same input — and to Millrace's predict service behind a bare node:http server, in the same run.
// The measuring happens in test/bench/predict-stack.ts, a process with a stack of its own.
import { measureInChild, round } from './child';
import type { LoadSummary, PredictMeasurement, PredictTarget } from './predict-stack';
import type { BenchResult } from './result';

const TITLES: Record<PredictTarget, string> = {
  floor: 'floor: node:http + scorer',
  service: 'predict service on node:http',
  web: 'POST /predict (web app, npm start)',
};

export async function runPredictBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const m = await measureInChild<PredictMeasurement>(repoRoot, 'predict-stack.ts');
  const results: BenchResult[] = [];
  const figures: Record<string, number> = {};
  const rps = (s: LoadSummary) => s.requestsPerSecond.reduce((a, b) => a + b, 0) / s.requestsPerSecond.length;
  for (const [size, byTarget] of Object.entries(m.runs)) {
    const label = `${size} row${size === '1' ? '' : 's'}`;
    const floor = byTarget.floor;
    for (const t of ['floor', 'service', 'web'] as const) {
      const s = byTarget[t];
      const logged = m.loggedLatencyMs[size]!;
      results.push({
        group: 'predict',
        name: `${TITLES[t]}, ${label}`,
        input: `${label} per request, ${m.connections} connections, ${m.rounds} × ${m.durationSeconds} s`,
        size: 1,
        sizeUnit: 'requests',
        // Latency of each answered request over all rounds (the median is the p50).
        ms: { n: s.n, median: s.p50, p95: s.p95, min: s.min, max: s.max },
        throughput: { perSecond: rps(s), unit: 'requests/s' },
        notes:
          `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, ${rps(s).toFixed(0)} requests/s (per round: ${s.requestsPerSecond.map((r) => r.toFixed(0)).join(', ')})` +
          (t === 'web'
            ? `; the service's own time (prediction_logs.latency_ms) p50 ${logged.p50.toFixed(3)} ms, p99 ${logged.p99.toFixed(3)} ms; ` +
              `${m.logged[size]!.written} log records for ${m.logged[size]!.answered} answers (${m.logged[size]!.droppedSinceStart} dropped by the web app's full queue since it started)`
            : ''),
        ...(t === 'floor' ? {} : { ratio: { value: s.p50 / floor.p50, to: 'floor p50' } }),
      });
      const key = `predict ${label} ${t}`;
      figures[`${key} requests/s`] = round(rps(s), 0);
      figures[`${key} p50 ms`] = round(s.p50);
      figures[`${key} p99 ms`] = round(s.p99);
      if (t !== 'floor') {
        figures[`${key} ÷ floor requests/s`] = round(rps(s) / rps(floor));
        figures[`${key} ÷ floor p99`] = round(s.p99 / floor.p99);
      }
    }
    figures[`predict ${label} logged ÷ answered`] = round(m.logged[size]!.written / Math.max(1, m.logged[size]!.answered));
  }
  return { results, figures };
}
