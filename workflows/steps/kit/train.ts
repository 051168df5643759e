import fs from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { saveArtifact } from '../../../server/infra/artifact-store';
import { config } from '../../../server/infra/config';
import { fitSpec, readFitOutcome } from '../../../server/infra/fitter';
import { registerModelVersion } from '../../../server/infra/model-registry';
import { transformChainOf } from '../../core/transforms';
import type { FitRequest, StepInput } from '../../core/plan';
import { catalog } from '../catalog';
import { hyperparameterNames, type FitStepDefinition } from '../shared/fit-step';
import { implement, inStep } from './implement';
import { StepInputError } from './step-error';
import { tablePath } from './table-io';

// A train step runs in three activities (workflows/engine/pipeline.ts): prepareFit here (Node: status,
// validation, the fit spec), "fitModel" in the Python fit worker (workflows/ml/worker.py) on the fit
// queue, then the step's own activity, fitActivity (Node: model artifact, model registry, lineage).

function fitDefinition(type: string): FitStepDefinition {
  const def = catalog[type];
  if (!def || !('fit' in def)) throw ApplicationFailure.nonRetryable(`"${type}" is not a train step`, 'StepInputError');
  return def as FitStepDefinition;
}

/** Where the fit worker writes a step's model: under the data folder, which every worker sees. */
function fitOutDir(input: StepInput): string {
  return path.join(config().tmpDir, 'fit', input.runId, input.nodeId);
}

/** The first half of a train step: marks it running, validates it and says what the fit worker fits. */
export async function prepareFit(input: StepInput): Promise<FitRequest> {
  const def = fitDefinition(input.type);
  return inStep(def, input, async ({ params, inputs, ctx }) => {
    const p = params as Record<string, unknown> & { target: string; features?: string[] };
    const outDir = fitOutDir(input);
    await fs.rm(outDir, { recursive: true, force: true });
    const request = fitSpec({
      tablePath: await tablePath(inputs.table),
      outDir,
      algorithm: def.fit.algorithm,
      task: def.fit.task(params),
      target: p.target,
      features: p.features ?? null,
      params: Object.fromEntries(hyperparameterNames(def).filter((k) => p[k] !== undefined).map((k) => [k, p[k]])),
      label: `${input.pipeline}/${input.runId.slice(0, 8)}/${input.nodeId}`,
    });
    ctx.progress(`fitting ${def.fit.algorithm} on the fit queue`);
    return request;
  });
}

/** A train step's activity: stores the model the fit worker made and registers a model version. Its definition says which algorithm. */
export function fitActivity(def: FitStepDefinition) {
  return implement(def, async ({ inputs, ctx }) => {
    if (!ctx.fitted) {
      throw new StepInputError('This run started before train steps fitted in the fit worker; run the pipeline again.');
    }
    const table = inputs.table;
    const fitted = await readFitOutcome(ctx.fitted);
    const { meta } = fitted;
    // Copied, not moved, and the folder removed only after success: a retry of this half finds the model again.
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
    await fs.rm(ctx.fitted.outDir, { recursive: true, force: true });
    await fs.rmdir(path.dirname(ctx.fitted.outDir)).catch(() => {}); // the run's folder, once its last fit is stored
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
        trainingSeconds: Math.round(fitted.seconds * 100) / 100,
      },
    };
  });
}
