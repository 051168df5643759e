// Benchmark 1: compilePipeline (workflows/core/compiler.ts), graph → plan; reported next to JSON.parse of the
// same document text, the least any server must do with it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compilePipeline } from '../../workflows/core/compiler';
import { catalog } from '../../workflows/steps/catalog';
import type { PipelineDocumentInput } from '../../workflows/core/document';
import { result, type BenchResult } from './result';
import { since } from './stats';

/** `chains` copies of ingest → split → train → evaluate → gate → deploy (6 nodes, 7 edges each). */
export function generatedPipeline(chains: number): PipelineDocumentInput {
  const nodes: PipelineDocumentInput['nodes'] = [];
  const edges: NonNullable<PipelineDocumentInput['edges']> = [];
  for (let c = 0; c < chains; c++) {
    const id = (s: string) => `${s}_${c}`;
    const x = (col: number) => ({ x: col * 260, y: c * 160 });
    nodes.push(
      { id: id('load'), type: 'ingest.dataset', params: { dataset: `dataset-${c % 7}` }, position: x(0) },
      { id: id('split'), type: 'prepare.split', params: { testFraction: 0.2, seed: c, stratifyBy: 'label' }, position: x(1) },
      { id: id('train'), type: 'train.random_forest', params: { target: 'label', trees: 50 + c }, position: x(2) },
      { id: id('eval'), type: 'validate.evaluate', params: {}, position: x(3) },
      {
        id: id('gate'),
        type: 'validate.gate',
        params: { rules: [{ metric: 'accuracy', op: '>=', value: 0.8 }, { metric: 'f1_macro', value: 0.7 }] },
        position: x(4),
      },
      { id: id('ship'), type: 'deploy.endpoint', params: { endpoint: `endpoint-${c}` }, position: x(5) },
    );
    edges.push(
      { from: `${id('load')}.table`, to: `${id('split')}.table` },
      { from: `${id('split')}.train`, to: `${id('train')}.table` },
      { from: `${id('train')}.model`, to: `${id('eval')}.model` },
      { from: `${id('split')}.test`, to: `${id('eval')}.table` },
      { from: `${id('eval')}.metrics`, to: `${id('gate')}.metrics` },
      { from: `${id('train')}.model`, to: `${id('ship')}.model` },
      { from: `${id('gate')}.pass`, to: `${id('ship')}.after` },
    );
  }
  return { apiVersion: 'millrace/v1', name: 'bench-generated', nodes, edges };
}

/**
 * Each repetition compiles the document `batch` times and records the mean time per call, so that
 * sub-millisecond calls are not at the mercy of timer resolution. The batch is sized from a probe so a
 * repetition lasts about `targetMs`.
 */
function benchCall(call: () => void, reps: number, targetMs: number): number[] {
  // Warm up (JIT) for ~300 ms, then size the batch from that.
  let t = performance.now();
  let probe = 0;
  while (since(t) < 300 || probe < 2) {
    call();
    probe++;
  }
  const perCall = since(t) / probe;
  const batch = Math.max(1, Math.round(targetMs / perCall));
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    t = performance.now();
    for (let i = 0; i < batch; i++) call();
    samples.push(since(t) / batch);
  }
  return samples;
}

function benchCompile(doc: unknown, reps: number, targetMs: number, expectOk = true): number[] {
  const check = compilePipeline(doc, catalog);
  if (check.ok !== expectOk) throw new Error(`benchmark pipeline: unexpected compile result ${JSON.stringify(check.errors.slice(0, 3))}`);
  return benchCall(() => compilePipeline(doc, catalog), reps, targetMs);
}

/** An ingest followed by n - 1 splits in a chain; `cyclic` closes the splits into a ring instead. */
export function chainPipeline(n: number, cyclic: boolean): PipelineDocumentInput {
  const nodes: PipelineDocumentInput['nodes'] = [{ id: 'load', type: 'ingest.dataset', params: { dataset: 'd' } }];
  const edges: NonNullable<PipelineDocumentInput['edges']> = [];
  for (let i = 1; i < n; i++) {
    nodes.push({ id: `s${i}`, type: 'prepare.split', params: { testFraction: 0.2, seed: i }, position: { x: i * 10, y: 0 } });
    if (i > 1) edges.push({ from: `s${i - 1}.train`, to: `s${i}.table` });
  }
  if (cyclic) edges.push({ from: `s${n - 1}.train`, to: 's1.table' });
  else edges.push({ from: 'load.table', to: 's1.table' });
  return { apiVersion: 'millrace/v1', name: 'bench-chain', nodes, edges };
}

export async function runCompileBenchmarks(repoRoot: string): Promise<BenchResult[]> {
  const example = JSON.parse(await readFile(path.join(repoRoot, 'server/examples/penguin-species.json'), 'utf8'));
  const generated = generatedPipeline(50);
  const out: BenchResult[] = [];
  for (const [name, doc] of [
    ['penguin-species.json', example],
    ['generated 50 chains', generated],
  ] as const) {
    const samplesMs = benchCompile(doc, 30, 100);
    out.push(
      result({
        group: 'compile',
        name: `compilePipeline ${name}`,
        input: `${doc.nodes.length} nodes, ${doc.edges.length} edges`,
        size: 1,
        sizeUnit: 'compile',
        samplesMs,
        throughputUnit: 'ops/s',
        notes: 'per-call mean of a ~100 ms batch, 30 batches',
      }),
    );
  }
  // Large documents: valid and cyclic, as ratios to JSON.parse of their text.
  for (const n of [1_000, 10_000]) {
    for (const cyclic of [false, true]) {
      const doc = chainPipeline(n, cyclic);
      const text = JSON.stringify(doc);
      const parseMs = benchCall(() => JSON.parse(text), 10, 200);
      const samplesMs = benchCompile(doc, 10, 200, !cyclic);
      const r = result({
        group: 'compile',
        name: `compilePipeline ${n.toLocaleString('en')} nodes${cyclic ? ', cyclic' : ''}`,
        input: `${doc.nodes.length} nodes, ${doc.edges?.length ?? 0} edges, ${(text.length / 1024).toFixed(0)} KiB`,
        size: doc.nodes.length,
        sizeUnit: 'node',
        samplesMs,
        throughputUnit: 'nodes/s',
      });
      const floor = [...parseMs].sort((a, b) => a - b)[Math.floor(parseMs.length / 2)]!;
      r.ratio = { value: r.ms.median / floor, to: `JSON.parse of the same text (${floor.toFixed(2)} ms)` };
      r.notes = `${r.ratio.value.toFixed(1)}× JSON.parse of the document`;
      out.push(r);
    }
  }
  return out;
}
