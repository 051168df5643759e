// Benchmark 1: compilePipeline (workflows/compiler.ts), graph → plan.
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
function benchCompile(doc: unknown, reps: number, targetMs: number): number[] {
  const check = compilePipeline(doc, catalog);
  if (!check.ok) throw new Error(`benchmark pipeline does not compile: ${JSON.stringify(check.errors.slice(0, 3))}`);
  // Warm up (JIT) for ~300 ms, then size the batch from that.
  let t = performance.now();
  let probe = 0;
  while (since(t) < 300) {
    compilePipeline(doc, catalog);
    probe++;
  }
  const perCall = since(t) / probe;
  const batch = Math.max(1, Math.round(targetMs / perCall));
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    t = performance.now();
    for (let i = 0; i < batch; i++) compilePipeline(doc, catalog);
    samples.push(since(t) / batch);
  }
  return samples;
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
  return out;
}
