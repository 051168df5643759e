// Benchmark: the Endpoint traffic step's table of logged rows (server/infra/endpoint-traffic.ts) next to
// reading the same prediction logs from Postgres once. Measured in test/bench/monitor-stack.ts, a process
// with a stack of its own; this turns its figures into rows and a ratio.
import { measureInChild, median, round } from './child';
import { result, type BenchResult } from './result';
import type { MonitorMeasurement } from './monitor-stack';

export async function runMonitorBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const m = await measureInChild<MonitorMeasurement>(repoRoot, 'monitor-stack.ts');
  const input = `${m.requests.toLocaleString('en')} logged requests × ${m.rows / m.requests} rows (penguins' 6 features and a prediction)`;
  const raw = result({
    group: 'monitor',
    name: 'read the prediction logs',
    input,
    size: m.rows,
    sizeUnit: 'rows',
    samplesMs: m.rawReadMs,
    throughputUnit: 'rows/s',
    notes: 'SELECT inputs, outputs of the window through postgres.js (one query, JSON parsed), alternating with the next row',
  });
  const traffic = result({
    group: 'monitor',
    name: 'endpoint traffic table',
    input,
    size: m.rows,
    sizeUnit: 'rows',
    samplesMs: m.trafficMs,
    throughputUnit: 'rows/s',
    notes: `writeTrafficTable: Postgres expands each request's rows and streams them out (COPY … TO STDOUT, CSV), DuckDB types them into Parquet (${m.tableRows.toLocaleString('en')} rows)`,
    ratio: { value: median(m.trafficMs) / median(m.rawReadMs), to: 'raw log read' },
  });
  return { results: [raw, traffic], figures: { 'monitor: traffic table ÷ raw log read': round(traffic.ratio!.value, 2) } };
}
