import { saveJsonArtifact } from '../../../server/infra/artifact-store';
import { setModelVersionMetrics } from '../../../server/infra/model-registry';
import { evaluate, modelVersionOf, scoreTable } from '../kit/evaluation';
import { implement } from '../kit/implement';
import definition from './definition';

export default implement(definition, async ({ inputs, ctx }) => {
  const { version, meta } = await modelVersionOf(inputs.model);
  const { metrics, visuals } = evaluate(await scoreTable(inputs.model, inputs.table, ctx, meta));
  const scores = Object.entries(metrics as unknown as Record<string, unknown>).filter(([k, v]) => typeof v === 'number' && k !== 'rows');
  const score = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));
  ctx.progress(`metrics of ${version.model} v${version.version}: ${scores.map(([k, v]) => `${k} ${score(v as number)}`).join(', ')}`);
  const stored = await saveJsonArtifact(metrics, 'metrics', ctx.scratchDir);
  await setModelVersionMetrics(version.id, metrics as unknown as Record<string, unknown>);
  // Per-class numbers and cluster sizes are drawn; the metrics artifact keeps them for gates and the registry.
  const { per_class: _perClass, sizes: _sizes, ...shown } = metrics as unknown as Record<string, unknown>;
  return {
    outputs: { metrics: { kind: 'metrics', hash: stored.hash, meta: metrics as unknown as Record<string, unknown> } },
    summary: { ...shown, model: version.model, modelVersion: version.version, ...visuals },
  };
});
