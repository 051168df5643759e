import { getDatasetVersion } from '../../../server/infra/dataset-registry';
import { ServiceError } from '../../../server/infra/errors';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import definition from './definition';

// The dataset version's Parquet artifact is passed on as it is: no copy.
export default implement(definition, async ({ params, ctx }) => {
  const dv = await getDatasetVersion(params.dataset, params.version).catch((err) => {
    if (err instanceof ServiceError && err.code === 'not_found') throw new StepInputError(err.message);
    throw err;
  });
  ctx.progress(`dataset ${dv.name} v${dv.version}: ${dv.rows} rows`);
  return {
    outputs: { table: { kind: 'table', hash: dv.artifactHash, meta: { rows: dv.rows, columns: dv.columns } } },
    summary: { dataset: dv.name, version: dv.version, rows: dv.rows, columns: dv.columns.length },
  };
});
