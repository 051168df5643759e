// `npm run bench`: measures Millrace's own hot paths and writes bench/results/latest.json plus a table.
// Measurements only: nothing here asserts on a time. `npm run bench -- compile model` runs some groups.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBatchBenchmarks } from './batch';
import { runCompileBenchmarks } from './compile';
import { runDriftBenchmarks } from './drift';
import { runDuckDbBenchmarks } from './duckdb';
import { runPreviewBenchmarks } from './preview';
import { runEditorBenchmarks } from './editor';
import { runModelBenchmarks, type MemorySnapshot } from './model';
import { runMonitorBenchmarks } from './monitor';
import { runPredictBenchmarks } from './predict';
import type { BenchResult } from './result';
import { runStartBenchmarks } from './run-start';
import { runRunsBenchmarks } from './runs';
import { runTrainBenchmarks } from './train';
import { runUploadBenchmarks } from './upload';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outFile = path.join(repoRoot, 'bench', 'results', 'latest.json');

// Run order: the model group goes before DuckDB so its RSS figures are not inflated by DuckDB's buffers.
interface GroupOutput {
  results: BenchResult[];
  memory?: MemorySnapshot[];
  /** Single figures that are not a time (ratios, memory growth), by name. */
  figures?: Record<string, number>;
}
const groups: Record<'compile' | 'model' | 'duckdb' | 'preview' | 'upload' | 'train' | 'runs' | 'start' | 'drift' | 'predict' | 'batch' | 'monitor' | 'editor', () => Promise<GroupOutput>> = {
  compile: async () => ({ results: await runCompileBenchmarks(repoRoot) }),
  model: async () => runModelBenchmarks(repoRoot),
  duckdb: async () => ({ results: await runDuckDbBenchmarks(repoRoot) }),
  preview: async () => runPreviewBenchmarks(repoRoot),
  upload: async () => runUploadBenchmarks(repoRoot),
  train: async () => runTrainBenchmarks(repoRoot),
  runs: async () => runRunsBenchmarks(repoRoot),
  start: async () => runStartBenchmarks(repoRoot),
  drift: async () => runDriftBenchmarks(repoRoot),
  predict: async () => runPredictBenchmarks(repoRoot),
  batch: async () => runBatchBenchmarks(repoRoot),
  monitor: async () => runMonitorBenchmarks(repoRoot),
  editor: async () => runEditorBenchmarks(repoRoot),
};
type Group = keyof typeof groups;
const displayOrder: Group[] = ['compile', 'duckdb', 'preview', 'upload', 'model', 'train', 'runs', 'start', 'drift', 'predict', 'batch', 'monitor', 'editor'];

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function packageVersion(name: string): Promise<string | null> {
  try {
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8'));
    return String(pkg.version);
  } catch {
    return null;
  }
}

function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function fmtRate(r: BenchResult['throughput']): string {
  if (!r) return '-';
  const v = r.perSecond;
  const s = v >= 1e9 ? `${(v / 1e9).toFixed(2)}G` : v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e4 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(v < 100 ? 1 : 0);
  return `${s} ${r.unit}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

async function main() {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((a) => !(a in groups));
  if (unknown.length) throw new Error(`unknown group(s) ${unknown.join(', ')}; groups: ${Object.keys(groups).join(', ')}`);
  const selected = (Object.keys(groups) as Group[]).filter((g) => asked.length === 0 || asked.includes(g));

  const started = new Date();
  const cpus = os.cpus();
  const machine = {
    date: started.toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    loadAvgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    commit: gitCommit(),
    versions: {
      duckdb: await packageVersion('@duckdb/node-api'),
      onnxruntime: await packageVersion('onnxruntime-node'),
      zod: await packageVersion('zod'),
    },
  };
  console.log(
    `Millrace bench — ${machine.date}, node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}, ` +
      `load ${machine.loadAvgAtStart.join(' ')}${machine.commit ? `, commit ${machine.commit}` : ''}`,
  );

  const byGroup = new Map<Group, BenchResult[]>();
  const memory: MemorySnapshot[] = [];
  const figures: Record<string, number> = {};
  const errors: { group: string; message: string }[] = [];
  const seconds: Record<string, number> = {};
  for (const g of selected) {
    process.stdout.write(`running ${g}… `);
    const t = performance.now();
    try {
      const out = await groups[g]();
      byGroup.set(g, out.results);
      if (out.memory) memory.push(...out.memory);
      Object.assign(figures, out.figures);
      seconds[g] = (performance.now() - t) / 1000;
      console.log(`${seconds[g].toFixed(1)} s`);
    } catch (err) {
      seconds[g] = (performance.now() - t) / 1000;
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      errors.push({ group: g, message });
      console.log(`FAILED\n${message}`);
    }
  }

  const results = displayOrder.flatMap((g) => byGroup.get(g) ?? []);
  const report = {
    machine: { ...machine, loadAvgAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
    totalSeconds: (Date.now() - started.getTime()) / 1000,
    groupSeconds: seconds,
    results,
    memory,
    figures,
    errors,
  };
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, JSON.stringify(report, null, 2) + '\n');

  console.log();
  console.log(
    table([
      ['benchmark', 'input', 'median', 'p95', 'throughput (median)', 'n', 'ratio to raw engine'],
      ...results.map((r) => [
        r.name,
        r.input.length > 60 ? r.input.slice(0, 59) + '…' : r.input,
        fmtMs(r.ms.median),
        fmtMs(r.ms.p95),
        fmtRate(r.throughput),
        String(r.ms.n),
        r.ratio ? `${r.ratio.value.toFixed(2)}× ${r.ratio.to}` : '',
      ]),
    ]),
  );
  if (memory.length) {
    console.log();
    for (const m of memory) {
      console.log(`RSS ${m.label}: ${m.rssMB.toFixed(0)} MB${m.heapUsedMB === undefined ? '' : ` (JS heap ${m.heapUsedMB.toFixed(0)} MB)`}`);
    }
  }
  if (Object.keys(figures).length) {
    console.log();
    for (const [name, value] of Object.entries(figures)) console.log(`${name}: ${value}`);
  }
  console.log();
  console.log(`${report.totalSeconds.toFixed(1)} s in all; load average at end ${report.machine.loadAvgAtEnd.join(' ')}`);
  console.log(`wrote ${path.relative(process.cwd(), outFile) || outFile}`);
  if (errors.length) {
    console.error(`${errors.length} group(s) failed: ${errors.map((e) => e.group).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
