// Node side of model fitting. Train steps hand a spec to the Python fit worker (workflows/ml/worker.py)
// and read back what it wrote (readFitOutcome); fitModel runs workflows/ml/fit.py once in a process of
// its own, for tests and scripts that fit without a Temporal server.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FIT_ALGORITHMS, FIT_TASKS, type FitAlgorithm, type FitTask } from '../../workflows/core/fit';
import type { FitRequest } from '../../workflows/core/plan';
import { fitScriptPath } from './python-paths';

export const algorithms = FIT_ALGORITHMS;
export type Algorithm = FitAlgorithm;
export const tasks = FIT_TASKS;
export type { FitTask };

/** The fitter records a text feature's categories only up to this many (workflows/ml/fit.py agrees). */
export const MAX_RECORDED_CATEGORIES = 1000;

/** One candidate of a hyperparameter search, scored by k-fold cross-validation. */
export const tuningTrialSchema = z.object({
  trial: z.number().int(),
  params: z.record(z.string(), z.unknown()),
  /** Mean over the folds of `tuning.metric`; null when it is undefined (R² of a constant target). */
  score: z.number().nullable(),
  std: z.number().nullable(),
  /** Mean fit time of one fold. */
  fitSeconds: z.number(),
});

export const modelMetaSchema = z.object({
  task: z.enum(['classification', 'regression', 'clustering']),
  /** The fitted algorithm (for a tuned model, the one that was searched: never "tune"). */
  algorithm: z.enum(algorithms),
  /** Empty for clustering. */
  target: z.string(),
  /** In ONNX input order. `input` is the ONNX input name (f0, f1, ...). */
  features: z
    .array(
      z.object({
        name: z.string(),
        input: z.string(),
        type: z.enum(['number', 'string']),
        /**
         * Text features only: the categories seen in training, sorted. Absent for number features,
         * for text features with more than MAX_RECORDED_CATEGORIES values, and in older models.
         */
        categories: z.array(z.string()).optional(),
      }),
    )
    .min(1),
  /** Class names (string forms of the target values), index = ONNX label value. Null for regression. */
  classes: z.array(z.string()).nullable(),
  outputs: z.object({ label: z.string(), probabilities: z.string().nullable() }),
  rowsUsed: z.number().int(),
  rowsDroppedMissingTarget: z.number().int(),
  /** Normalised to sum 1, per original column, highest first. */
  importances: z.array(z.object({ feature: z.string(), importance: z.number() })).nullable(),
  params: z.record(z.string(), z.unknown()),
  library: z.object({ sklearn: z.string(), skl2onnx: z.string(), lightgbm: z.string().optional(), onnxmltools: z.string().optional() }),
  /** What a missing value of a string feature is fed as (""). */
  missingText: z.string().default(''),
  /** Seconds spent in the library's fit, and in the ONNX export (absent in older models). */
  fitSeconds: z.number().optional(),
  exportSeconds: z.number().optional(),
  /** Clustering only: the number of clusters; the model's label is 0 .. clusters - 1. */
  clusters: z.number().int().optional(),
  /** Clustering only: the sum of squared distances of the training rows to their centres (standardised features). */
  inertia: z.number().optional(),
  /** A tuned model: how it was searched and every trial. */
  tuning: z
    .object({
      algorithm: z.enum(algorithms),
      search: z.enum(['grid', 'random']),
      folds: z.number().int(),
      seed: z.number().int(),
      metric: z.string(),
      /** The trial number of the best candidate (1-based), refitted on every row. */
      best: z.number().int(),
      bestScore: z.number(),
      trials: z.array(tuningTrialSchema),
    })
    .optional(),
  /** The dataset versions the training table came from (added by the train step, from the lineage). */
  trainingData: z.array(z.object({ dataset: z.string(), version: z.number().int() })).optional(),
});
export type ModelMeta = z.infer<typeof modelMetaSchema>;

const eventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('progress'), message: z.string() }),
  z.object({ event: z.literal('warning'), message: z.string() }),
  z.object({ event: z.literal('done'), meta: z.unknown() }),
  z.object({ event: z.literal('error'), message: z.string(), internal: z.boolean().optional() }),
]);

/** Thrown for problems with the spec or the data (bad column, wrong task...): message is for the user. */
export class FitUserError extends Error {
  override name = 'FitUserError';
}

export interface FitOptions {
  /** The venv's interpreter (from ensurePythonEnv). */
  python: string;
  /** A Parquet file. */
  tablePath: string;
  /** Receives model.onnx, meta.json (and check.json with checkRows) and spec.json. */
  outDir: string;
  algorithm: Algorithm;
  task: FitTask;
  target: string;
  /** null/undefined = every supported column but the target. */
  features?: string[] | null;
  params: Record<string, unknown>;
  /** Write <outDir>/check.json with scikit-learn's predictions for the first N rows used. */
  checkRows?: number;
  /** Progress and warning lines (warnings are prefixed with "warning: "). */
  onProgress?: (msg: string) => void;
  signal?: AbortSignal;
}

type SpecOptions = Pick<FitOptions, 'tablePath' | 'outDir' | 'algorithm' | 'task' | 'target' | 'features' | 'params' | 'checkRows'>;

/** The spec workflows/ml/fit.py reads (its field names), for the fit worker or a one-off `python fit.py`. */
export function fitSpec(opts: SpecOptions & { label: string }): FitRequest {
  return {
    table: path.resolve(opts.tablePath),
    out_dir: path.resolve(opts.outDir),
    algorithm: opts.algorithm,
    task: opts.task,
    target: opts.target,
    features: opts.features ?? null,
    params: opts.params ?? {},
    check_rows: opts.checkRows ?? 0,
    label: opts.label,
  };
}

const fitOutcomeSchema = z.object({
  outDir: z.string().min(1),
  onnxPath: z.string().min(1),
  metaPath: z.string().min(1),
  attempt: z.number().int().min(1),
  seconds: z.number().min(0),
});

/** What the fit worker (workflows/ml/worker.py) made: its answer and the meta.json it wrote, both validated. */
export async function readFitOutcome(outcome: unknown): Promise<{ onnxPath: string; meta: ModelMeta; attempt: number; seconds: number }> {
  const parsed = fitOutcomeSchema.safeParse(outcome);
  if (!parsed.success) throw new Error(`the fit worker returned an invalid answer: ${z.prettifyError(parsed.error)}`);
  const { onnxPath, metaPath, attempt, seconds } = parsed.data;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(metaPath, 'utf8'));
  } catch (err) {
    throw new Error(`could not read the model metadata the fit worker wrote at ${metaPath}: ${(err as Error).message}`);
  }
  const meta = modelMetaSchema.safeParse(raw);
  if (!meta.success) throw new Error(`the fit worker wrote invalid metadata: ${z.prettifyError(meta.error)}`);
  return { onnxPath, meta: meta.data, attempt, seconds };
}

export async function fitModel(opts: FitOptions): Promise<{ onnxPath: string; meta: ModelMeta }> {
  opts.signal?.throwIfAborted();
  const outDir = path.resolve(opts.outDir);
  await mkdir(outDir, { recursive: true });
  const specPath = path.join(outDir, 'spec.json');
  const { label: _label, ...spec } = fitSpec({ ...opts, label: '' });
  await writeFile(specPath, JSON.stringify(spec, null, 2));

  return new Promise((resolve, reject) => {
    const child = spawn(opts.python, ['-u', fitScriptPath, specPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
    });
    let done: unknown;
    let errorEvent: { message: string; internal?: boolean } | undefined;
    const stderrTail: string[] = [];
    const nonJson: string[] = [];
    let settled = false;
    const finish = (err: Error | null, value?: { onnxPath: string; meta: ModelMeta }) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value!);
    };
    const onAbort = () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      t.unref();
      finish(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('model fitting was aborted'));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const handleLine = (line: string) => {
      if (!line.trim()) return;
      let parsed: z.infer<typeof eventSchema>;
      try {
        parsed = eventSchema.parse(JSON.parse(line));
      } catch {
        nonJson.push(line);
        if (nonJson.length > 20) nonJson.shift();
        return;
      }
      if (parsed.event === 'progress') opts.onProgress?.(parsed.message);
      else if (parsed.event === 'warning') opts.onProgress?.(`warning: ${parsed.message}`);
      else if (parsed.event === 'done') done = parsed.meta;
      else errorEvent = parsed;
    };
    let outBuf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      outBuf += chunk;
      const lines = outBuf.split('\n');
      outBuf = lines.pop() ?? '';
      lines.forEach(handleLine);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const l of chunk.split('\n')) {
        if (!l.trim()) continue;
        stderrTail.push(l);
        if (stderrTail.length > 30) stderrTail.shift();
      }
    });
    child.on('error', (err) => {
      finish(new Error(`could not start the model fitter with ${opts.python}: ${err.message}`));
    });
    child.on('close', (code, sig) => {
      if (outBuf) handleLine(outBuf);
      if (settled) return;
      if (errorEvent) {
        if (errorEvent.internal) {
          const detail = stderrTail.length ? `\n${stderrTail.slice(-15).join('\n')}` : '';
          finish(new Error(`${errorEvent.message}${detail}`));
        } else finish(new FitUserError(errorEvent.message));
        return;
      }
      if (code !== 0 || done === undefined) {
        const tail = [...nonJson, ...stderrTail].slice(-15).join('\n');
        finish(
          new Error(
            `the model fitter exited with ${sig ? `signal ${sig}` : `code ${code}`} without a result` +
              (tail ? `:\n${tail}` : ''),
          ),
        );
        return;
      }
      const meta = modelMetaSchema.safeParse(done);
      if (!meta.success) {
        finish(new Error(`the model fitter returned invalid metadata: ${z.prettifyError(meta.error)}`));
        return;
      }
      finish(null, { onnxPath: path.join(outDir, 'model.onnx'), meta: meta.data });
    });
  });
}
