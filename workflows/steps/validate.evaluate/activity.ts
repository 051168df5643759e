import { artifactStore, saveJsonArtifact } from '../../../server/infra/artifact-store';
import { quoteIdent, quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { modelMetaSchema } from '../../../server/infra/fitter';
import { getModelVersion, setModelVersionMetrics } from '../../../server/infra/model-registry';
import { loadModel, releaseModel, scoreColumns, ScoreInputError } from '../../../server/infra/scorer';
import { implement } from '../kit/implement';
import { classificationMetrics, regressionMetrics, type Metrics } from '../kit/metrics';
import { StepInputError } from '../kit/step-error';
import { requireColumn, tableColumns, tablePath } from '../kit/table-io';
import definition from './definition';

export default implement(definition, async ({ inputs, ctx }) => {
  const modelRef = inputs.model;
  const modelVersionId = String(modelRef.meta?.modelVersionId ?? '');
  const version = await getModelVersion(modelVersionId);
  const meta = modelMetaSchema.parse(version.meta);
  const file = await tablePath(inputs.table);
  const columns = await withDuckDb(async (conn) => {
    const names = await tableColumns(conn, file);
    requireColumn(names, meta.target, 'Target');
    for (const f of meta.features) requireColumn(names, f.name, 'Feature');
    const select = [meta.target, ...meta.features.map((f) => f.name)].map(quoteIdent).join(', ');
    const r = await conn.runAndReadAll(
      `SELECT ${select} FROM read_parquet(${quoteLiteral(file)}) WHERE ${quoteIdent(meta.target)} IS NOT NULL`,
    );
    return r.getColumnsObjectJS();
  });
  const truthRaw = columns[meta.target] ?? [];
  if (truthRaw.length === 0) throw new StepInputError(`The table has no rows with a value for "${meta.target}"`);
  ctx.progress(`scoring ${truthRaw.length} rows`);
  const model = await loadModel(await artifactStore().localPath(modelRef.hash!), meta);
  let metrics: Metrics;
  try {
    const scored = await scoreColumns(model, columns).catch((err) => {
      if (err instanceof ScoreInputError) throw new StepInputError(err.message);
      throw err;
    });
    metrics =
      meta.task === 'classification'
        ? classificationMetrics(truthRaw.map(String), scored.predictions.map(String), meta.classes ?? [])
        : regressionMetrics(truthRaw.map(Number), scored.predictions.map(Number));
  } finally {
    await releaseModel(model);
  }
  const stored = await saveJsonArtifact(metrics, 'metrics', ctx.scratchDir);
  await setModelVersionMetrics(version.id, metrics as unknown as Record<string, unknown>);
  return {
    outputs: { metrics: { kind: 'metrics', hash: stored.hash, meta: metrics as unknown as Record<string, unknown> } },
    summary: { ...metrics, model: version.model, modelVersion: version.version },
  };
});
