import path from 'node:path';
import { getDatasetVersion } from '../../../server/infra/dataset-registry';
import { slotModel, writeTrafficTable } from '../../../server/infra/endpoint-traffic';
import { ServiceError } from '../../../server/infra/errors';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import { saveTable } from '../kit/table-io';
import definition from './definition';

const asStepError = (err: unknown) => {
  if (err instanceof ServiceError && err.code === 'not_found') throw new StepInputError(err.message);
  throw err;
};

export default implement(definition, async ({ params, ctx }) => {
  const model = await slotModel(params.endpoint, params.slot).catch(asStepError);
  const reference = params.referenceDataset
    ? await getDatasetVersion(params.referenceDataset, params.referenceVersion)
        .then((dv) => ({ hash: dv.artifactHash, rows: dv.rows, columns: dv.columns, from: `dataset ${dv.name} v${dv.version}` }))
        .catch(asStepError)
    : model.training && { ...model.training, from: `training table of ${model.model} v${model.version}` };
  if (!reference) throw new StepInputError(`Model ${model.model} v${model.version} has no recorded training table: choose a reference dataset`);

  const windowStart = Date.now() - params.windowHours * 3600_000;
  const since = new Date(params.since ? Math.max(windowStart, Date.parse(params.since)) : windowStart);
  const file = path.join(ctx.scratchDir, 'current.parquet');
  // The prediction goes under the target's name, so it lines up with the training table's labels.
  const predictionColumn = model.target || 'cluster';
  const traffic = await writeTrafficTable({ model, slot: params.slot, since, predictionColumn, types: reference.columns, scratchDir: ctx.scratchDir, file });
  ctx.progress(`${traffic.rows} rows in ${traffic.requests} requests to ${params.endpoint} since ${since.toISOString()}`);
  const summary = {
    endpoint: params.endpoint,
    slot: params.slot,
    model: `${model.model} v${model.version}`,
    since: since.toISOString(),
    requests: traffic.requests,
    rows: traffic.rows,
    predictionColumn,
    reference: reference.from,
    referenceRows: reference.rows,
  };
  if (traffic.rows < params.minRows) {
    return { outputs: {}, summary: { ...summary, enough: false, note: `${traffic.rows} logged rows, fewer than the minimum of ${params.minRows}: nothing compared` } };
  }
  const current = await saveTable(file);
  return {
    outputs: {
      current,
      reference: { kind: 'table', hash: reference.hash, meta: { rows: reference.rows, columns: reference.columns } },
    },
    summary: { ...summary, enough: true },
  };
});
