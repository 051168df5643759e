// Benchmark 5: training as a step against the library's own fit, and the example pipeline against a plain
// pandas + scikit-learn script. The measuring happens in test/bench/train-stack.ts, a process with a stack
// of its own; this turns its figures into rows and ratios.
import { measureInChild, median, round } from './child';
import { result, type BenchResult } from './result';
import type { TrainMeasurement } from './train-stack';

export async function runTrainBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const m = await measureInChild<TrainMeasurement>(repoRoot, 'train-stack.ts');
  const results: BenchResult[] = [];
  const figures: Record<string, number> = {};
  for (const s of m.steps) {
    const algorithm = s.type.replace('train.', '');
    const lib = algorithm === 'gradient_boosting' ? 'LightGBM' : 'scikit-learn';
    const trees = ['random_forest', 'decision_tree', 'gradient_boosting'].includes(algorithm);
    const input = `${s.rows.toLocaleString('en-US')} rows × 20 number features (synthetic)`;
    const library = result({
      group: 'train',
      name: `${lib} fit ${algorithm}`,
      input,
      size: s.rows,
      sizeUnit: 'rows',
      samplesMs: s.libraryMs,
      throughputUnit: 'rows/s',
      notes: `Pipeline(imputer${trees ? '' : ' + scaler'} + estimator).fit with the train step's parameters on its training rows; ${s.metric} ${round(s.libraryMetric, 4)} on the test rows`,
    });
    const step = result({
      group: 'train',
      name: `${s.type} step`,
      input,
      size: s.rows,
      sizeUnit: 'rows',
      samplesMs: s.stepMs,
      throughputUnit: 'rows/s',
      notes:
        `the step from its start to its end in Postgres: prepare (Node), fit + ONNX export in the Python fit worker ` +
        `(median ${Math.round(median(s.fitActivityMs))} ms), model artifact + registry (Node); ${s.metric} ${round(s.stepMetric, 4)} on the test rows; ` +
        `last repetition, ms: ${Object.entries(s.phases).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      ratio: { value: median(s.stepMs) / median(s.libraryMs), to: `${lib} fit` },
    });
    results.push(library, step);
    figures[`${s.type} step ÷ ${lib} fit (goal ≤ 1.2)`] = round(step.ratio!.value);
    // CPU time is steadier than wall time on a shared machine: what the fit worker spent on the whole fit
    // (reading, fitting, exporting) against what the library's fit spent.
    figures[`${s.type} fit worker CPU ÷ ${lib} fit CPU`] = round(median(s.fitWorkerCpuMs) / median(s.libraryCpuMs));
    figures[`${s.type} ${s.metric}: step − ${lib}`] = round(s.stepMetric - s.libraryMetric, 4);
  }
  if (!m.pipeline.runMs.length) return { results, figures };
  const script = result({
    group: 'train',
    name: 'pandas + scikit-learn script penguins',
    input: '344 rows; load, split, fit 100 trees, accuracy, save',
    size: 1,
    sizeUnit: 'runs',
    samplesMs: m.pipeline.scriptMs,
    notes: `test/bench/penguins_script.py as a process (interpreter start and imports included); accuracy ${round(m.pipeline.scriptAccuracy, 4)}`,
  });
  const pipeline = result({
    group: 'train',
    name: 'penguin-species pipeline run',
    input: '6 steps: load, split, train, evaluate, gate, deploy',
    size: 1,
    sizeUnit: 'runs',
    samplesMs: m.pipeline.runMs,
    notes: `startRun to the workflow's result, after one warm-up run; accuracy ${round(m.pipeline.runAccuracy, 4)}`,
    ratio: { value: median(m.pipeline.runMs) / median(m.pipeline.scriptMs), to: 'plain script' },
  });
  results.push(script, pipeline);
  figures['penguin-species run ÷ plain script (goal ≤ 0.8)'] = round(pipeline.ratio!.value);
  return { results, figures };
}
