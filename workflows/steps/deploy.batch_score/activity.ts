import path from 'node:path';
import { getDb } from '../../../db/client';
import { artifactLinks } from '../../../db/schema';
import { artifactStore } from '../../../server/infra/artifact-store';
import { ServiceError } from '../../../server/infra/errors';
import { modelMetaSchema } from '../../../server/infra/fitter';
import { getModelVersion } from '../../../server/infra/model-registry';
import { findModelVersion } from '../../../server/infra/model-version-lookup';
import { loadModel, releaseModel } from '../../../server/infra/scorer';
import { transformChainOf } from '../../core/transforms';
import type { BarsVisual } from '../../core/visual';
import { batchScore, pendingTransforms } from '../kit/batch-score';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import { saveTable, tablePath } from '../kit/table-io';
import definition, { type BatchScoreParams } from './definition';

/** The model version to score with: the connected model, or the registered one the parameters name. */
async function chosenVersion(params: BatchScoreParams, modelRef: { meta?: Record<string, unknown> } | undefined) {
  if (modelRef && params.model) throw new StepInputError('A model is connected to "Model" and "Registered model" is set: use one of them');
  if (modelRef) {
    const id = String(modelRef.meta?.modelVersionId ?? '');
    if (!id) throw new StepInputError('The model input carries no model version (connect the model output of a train step)');
    return getModelVersion(id);
  }
  if (!params.model) throw new StepInputError('No model: connect a train step to "Model", or set "Registered model"');
  if (params.version !== undefined && params.alias !== undefined) throw new StepInputError('Choose a version or an alias, not both');
  return findModelVersion(params.model, { version: params.version, alias: params.alias }).catch((err: unknown) => {
    // A model, version or alias that does not exist is the pipeline's mistake: retrying cannot fix it.
    if (err instanceof ServiceError && err.code === 'not_found') throw new StepInputError(err.message);
    throw err;
  });
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const version = await chosenVersion(params, inputs.model);
  // A registered model read by name is an input like a connected one: lineage records it on the "model" port.
  if (!inputs.model) {
    await getDb()
      .insert(artifactLinks)
      .values({ runId: ctx.runId, nodeId: ctx.nodeId, port: 'model', role: 'input', artifactHash: version.artifactHash })
      .onConflictDoNothing();
  }
  const meta = modelMetaSchema.safeParse(version.meta);
  if (!meta.success) throw new StepInputError(`Model ${version.model} v${version.version} has metadata this step cannot read`);
  const chain = pendingTransforms(transformChainOf(version.meta as unknown as Record<string, unknown>), inputs.table.meta);
  const file = await tablePath(inputs.table);
  const out = path.join(ctx.scratchDir, 'scored.parquet');
  const loaded = await loadModel(await artifactStore().localPath(version.artifactHash), meta.data);
  let result;
  try {
    result = await batchScore({ file, out, model: loaded, chain, prefix: params.prefix, progress: (n) => ctx.progress(`scored ${n} rows`) });
  } finally {
    await releaseModel(loaded);
  }
  const scored = await saveTable(out);
  const predicted: BarsVisual | undefined = result.counts
    ? { $visual: 'bars', title: 'Rows per prediction', items: Object.entries(result.counts).slice(0, 50).map(([label, value]) => ({ label, value })) }
    : undefined;
  return {
    outputs: { scored },
    summary: {
      rows: result.rows,
      model: version.model,
      modelVersion: version.version,
      columns: `${result.prefix}_label, ${result.prefix}_value, ${result.prefix}_probabilities`,
      ...(chain.length ? { transformsApplied: chain.map((s) => s.kind).join(', ') } : {}),
      ...(result.values ? { predictedMean: Number(result.values.mean.toPrecision(6)), predictedMin: result.values.min, predictedMax: result.values.max } : {}),
      ...(predicted ? { predicted } : {}),
    },
  };
});
