import { saveArtifact } from '../../../server/infra/artifact-store';
import { config } from '../../../server/infra/config';
import { FitUserError, fitModel } from '../../../server/infra/fitter';
import { registerModelVersion } from '../../../server/infra/model-registry';
import { pythonExecutable } from '../../../server/infra/python-paths';
import { transformChainOf } from '../../core/transforms';
import { hyperparameterNames, type FitStepDefinition } from '../shared/fit-step';
import { implement } from './implement';
import { StepInputError } from './step-error';
import { tablePath } from './table-io';

/** A train step's activity: fit in Python, export ONNX, register a model version. Its definition says which algorithm. */
export function fitActivity(def: FitStepDefinition) {
  const hyper = hyperparameterNames(def);
  return implement(def, async ({ params, inputs, ctx }) => {
    const p = params as Record<string, unknown> & { target: string; features?: string[] };
    const table = inputs.table;
    const started = Date.now();
    const fitted = await fitModel({
      python: pythonExecutable(config().pythonVenv),
      tablePath: await tablePath(table),
      outDir: ctx.scratchDir,
      algorithm: def.fit.algorithm,
      task: def.fit.task(params),
      target: p.target,
      features: p.features ?? null,
      params: Object.fromEntries(hyper.filter((k) => p[k] !== undefined).map((k) => [k, p[k]])),
      onProgress: (m) => ctx.progress(m),
      signal: ctx.signal,
    }).catch((err) => {
      if (err instanceof FitUserError) throw new StepInputError(err.message);
      throw err;
    });
    const { meta } = fitted;
    const stored = await saveArtifact(fitted.onnxPath, 'model', { task: meta.task, algorithm: meta.algorithm, target: meta.target });
    const registered = await registerModelVersion({
      pipeline: ctx.pipeline,
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      artifactHash: stored.hash,
      trainingArtifactHash: table.hash!,
      meta,
      // What the endpoint applies to raw rows before scoring (see workflows/core/transforms.ts).
      transforms: transformChainOf(table.meta),
    });
    return {
      outputs: { model: { kind: 'model', hash: stored.hash, meta: { ...registered, task: meta.task, target: meta.target } } },
      summary: {
        task: meta.task,
        algorithm: meta.algorithm,
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
