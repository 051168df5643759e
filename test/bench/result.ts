import { summarize, type Summary } from './stats';

/** One measured quantity: a time per repetition (ms), summarised over the repetitions. */
export interface BenchResult {
  group: string;
  name: string;
  /** What went in, in words ("6 nodes, 7 edges", "3,000,000 rows"...). */
  input: string;
  /** Units processed by one timed operation (nodes, rows...), used for throughput. */
  size: number;
  sizeUnit: string;
  /** Milliseconds per operation over the repetitions. */
  ms: Summary;
  /** size / median seconds (ops/s when size is 1 operation). Omitted where it means nothing. */
  throughput?: { perSecond: number; unit: string };
  notes?: string;
  /** The median as a multiple of the raw engine underneath, measured in the same run (this machine is noisy; ratios are not). */
  ratio?: { value: number; to: string };
}

export function result(
  r: Omit<BenchResult, 'ms' | 'throughput'> & { samplesMs: number[]; throughputUnit?: string },
): BenchResult {
  const { samplesMs, throughputUnit, ...rest } = r;
  const ms = summarize(samplesMs);
  return {
    ...rest,
    ms,
    ...(throughputUnit ? { throughput: { perSecond: r.size / (ms.median / 1000), unit: throughputUnit } } : {}),
  };
}
