import { config } from '../../server/config';
import { saveArtifact } from '../../server/artifacts/store';
import { FitUserError, fitModel, type Algorithm, type FitTask } from '../../server/models/fit';
import { registerModelVersion } from '../../server/services/models';
import { pythonExecutable } from '../../server/setup/python';
import { trainLinearRegression, trainLogisticRegression, trainRandomForest } from '../catalog/train';
import type { z } from 'zod';
import type { PortSpec, StepDefinition } from '../catalog';
import { implement } from './implement';
import { StepInputError } from './step-error';
import { tablePath } from './table-io';

// The three train steps share one implementation: fit in Python, export ONNX, register a model version.
type TrainDefinition = StepDefinition<z.ZodObject, { table: PortSpec }, { model: PortSpec }>;

function trainStep(def: TrainDefinition, algorithm: Algorithm, task: (p: Record<string, unknown>) => FitTask) {
  return implement(def, async ({ params, inputs, ctx }) => {
    const p = params as unknown as Record<string, unknown> & { target: string; features?: string[] };
    const table = inputs.table!;
    const { target, features, task: _task, ...hyper } = p;
    const started = Date.now();
    const fitted = await fitModel({
      python: pythonExecutable(config().pythonVenv),
      tablePath: await tablePath(table),
      outDir: ctx.scratchDir,
      algorithm,
      task: task(p),
      target,
      features: features ?? null,
      params: hyper,
      onProgress: (m) => ctx.progress(m),
      signal: ctx.signal,
    }).catch((err) => {
      if (err instanceof FitUserError) throw new StepInputError(err.message);
      throw err;
    });
    const { meta } = fitted;
    const stored = await saveArtifact(fitted.onnxPath, 'model', { task: meta.task, algorithm, target: meta.target });
    const registered = await registerModelVersion({
      pipeline: ctx.pipeline,
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      artifactHash: stored.hash,
      trainingArtifactHash: table.hash!,
      meta,
    });
    return {
      outputs: { model: { kind: 'model', hash: stored.hash, meta: { ...registered, task: meta.task, target: meta.target } } },
      summary: {
        task: meta.task,
        algorithm,
        model: registered.model,
        modelVersion: registered.version,
        target: meta.target,
        features: meta.features.length,
        rowsUsed: meta.rowsUsed,
        rowsDroppedMissingTarget: meta.rowsDroppedMissingTarget,
        classes: meta.classes ?? undefined,
        topFeatures: meta.importances?.slice(0, 5),
        trainingSeconds: Math.round((Date.now() - started) / 100) / 10,
      },
    };
  });
}

export const runTrainRandomForest = trainStep(trainRandomForest, 'random_forest', (p) => p.task as FitTask);
export const runTrainLinearRegression = trainStep(trainLinearRegression, 'linear_regression', () => 'regression');
export const runTrainLogisticRegression = trainStep(trainLogisticRegression, 'logistic_regression', () => 'classification');
