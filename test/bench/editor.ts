// Benchmark: the pipeline editor in headless Chromium on 200 to 1,000 steps (with positions, and 1,000
// without, laid out by the editor's worker), next to React Flow alone rendering the same nodes and edges with
// its default nodes in a bare page. The measuring happens in test/bench/editor-stack.ts, a process with a
// stack of its own; this turns its figures into rows and ratios.
import { measureInChild, median, round } from './child';
import type { EditorMeasurement, LoadFigures } from './editor-stack';
import { result, type BenchResult } from './result';

const METRICS: { key: keyof LoadFigures; title: string; what: string }[] = [
  { key: 'firstNodePaintMs', title: 'first node painted', what: 'navigation start to the first frame with a measured, visible node' },
  {
    key: 'interactiveMs',
    title: 'interactive',
    what: 'navigation start to the frame in which a click on a node (sent once the visible nodes stopped changing for 3 frames) has selected it',
  },
  { key: 'panP50Ms', title: 'pan frame p50', what: 'median requestAnimationFrame interval while the mouse drags the pane for 2 s (per load; the row summarises loads)' },
  { key: 'panP95Ms', title: 'pan frame p95', what: '95th percentile of the same intervals' },
];

export async function runEditorBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const m = await measureInChild<EditorMeasurement>(repoRoot, 'editor-stack.ts');
  const results: BenchResult[] = [];
  const figures: Record<string, number> = {};
  for (const c of m.cases) {
    const input = `${c.nodes.toLocaleString('en')} steps, ${c.edges.toLocaleString('en')} edges${c.positions ? '' : ', no positions'}`;
    for (const metric of METRICS) {
      const editor = c.editor.map((f) => f[metric.key]);
      const raw = c.raw.map((f) => f[metric.key]);
      results.push(
        result({
          group: 'editor',
          name: `editor ${metric.title} ${c.nodes}${c.positions ? '' : ' unplaced'}`,
          input,
          size: c.nodes,
          sizeUnit: 'nodes',
          samplesMs: editor,
          notes: `${metric.what}; canvas ${m.canvas.width}×${m.canvas.height}, Chromium ${m.chromium}; React Flow alone: median ${round(median(raw), 1)} ms`,
          ratio: { value: median(editor) / median(raw), to: 'React Flow alone' },
        }),
      );
    }
  }
  const big = m.cases.find((c) => c.nodes === 1000 && c.positions);
  if (big) figures['editor 1,000 steps interactive, ms (goal < 1500)'] = round(median(big.editor.map((f) => f.interactiveMs)), 0);
  const unplaced = m.cases.find((c) => !c.positions);
  if (unplaced) figures['editor 1,000 steps without positions interactive, ms'] = round(median(unplaced.editor.map((f) => f.interactiveMs)), 0);
  return { results, figures };
}
