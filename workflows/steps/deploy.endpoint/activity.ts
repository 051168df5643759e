import { getModelVersion, promoteToEndpoint } from '../../../server/infra/model-registry';
import { implement } from '../kit/implement';
import definition from './definition';

export default implement(definition, async ({ params, inputs, ctx }) => {
  const version = await getModelVersion(String(inputs.model.meta?.modelVersionId ?? ''));
  const outcome = await promoteToEndpoint(
    params.endpoint,
    version.id,
    { runId: ctx.runId, nodeId: ctx.nodeId },
    {
      slot: params.slot,
      takeOver: params.takeOver,
      allowSchemaChange: params.allowSchemaChange,
      allowOlder: params.allowOlder,
      ...(params.betterMetric ? { betterThan: { metric: params.betterMetric, by: params.betterBy } } : {}),
    },
  );
  const path = `/api/v1/endpoints/${params.endpoint}/predict${params.slot === 'staging' ? '?slot=staging' : ''}`;
  const base = { endpoint: params.endpoint, slot: params.slot, model: version.model, modelVersion: version.version, path };
  // A skipped promotion (an older run, or a model no better than the served one) is an outcome, not a fault.
  if (!outcome.promoted) {
    ctx.progress(`endpoint ${params.endpoint}: ${outcome.reason}`);
    return { outputs: {}, summary: { ...base, skipped: outcome.reason } };
  }
  ctx.progress(`endpoint ${params.endpoint} (${params.slot}) now serves ${version.model} v${version.version}`);
  return { outputs: {}, summary: { ...base, ...(outcome.kind === 'takeover' ? { tookOver: true } : {}) } };
});
