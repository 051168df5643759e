import { getModelVersion, promoteToEndpoint } from '../../../server/infra/model-registry';
import { recordApproval } from '../kit/approval-record';
import { productionDeployAuthority } from '../kit/deploy-authority';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import definition from './definition';

export default implement(definition, async ({ params, inputs, ctx }) => {
  const version = await getModelVersion(String(inputs.model.meta?.modelVersionId ?? ''));
  const path = `/api/v1/endpoints/${params.endpoint}/predict${params.slot === 'staging' ? '?slot=staging' : ''}`;
  const base = { endpoint: params.endpoint, slot: params.slot, model: version.model, modelVersion: version.version, path };
  if (params.requireApproval) {
    const decision = ctx.approval;
    if (!decision) throw new StepInputError('This deploy step requires approval and runs only with a decision');
    await recordApproval(ctx.runId, ctx.nodeId, decision);
    if (decision.decision !== 'approve') {
      const reason = `not promoted: rejected ${decision.by === 'timeout' ? 'when the timeout ran out' : `by ${decision.by}`}${decision.comment ? `: ${decision.comment}` : ''}`;
      ctx.progress(`endpoint ${params.endpoint}: ${reason}`);
      return { outputs: {}, summary: { ...base, skipped: reason } };
    }
  }
  if (params.slot === 'production') {
    const authority = await productionDeployAuthority(ctx.runId, ctx.approval);
    if (!authority.allowed) {
      const reason = `not promoted: ${authority.reason}`;
      ctx.log('warn', `endpoint ${params.endpoint}: ${reason}`);
      return { outputs: {}, summary: { ...base, skipped: reason } };
    }
  }
  const outcome = await promoteToEndpoint(
    params.endpoint,
    version.id,
    { runId: ctx.runId, nodeId: ctx.nodeId },
    {
      slot: params.slot,
      takeOver: params.takeOver,
      allowSchemaChange: params.allowSchemaChange,
      allowOlder: params.allowOlder,
      ...(params.slot === 'staging' ? { challenger: { mode: params.challenger, canaryPercent: params.canaryPercent } } : {}),
      ...(params.betterMetric ? { betterThan: { metric: params.betterMetric, by: params.betterBy } } : {}),
    },
  );
  // A skipped promotion (an older run, or a model no better than the served one) is an outcome, not a fault.
  if (!outcome.promoted) {
    ctx.progress(`endpoint ${params.endpoint}: ${outcome.reason}`);
    return { outputs: {}, summary: { ...base, skipped: outcome.reason } };
  }
  ctx.progress(`endpoint ${params.endpoint} (${params.slot}) now serves ${version.model} v${version.version}`);
  return { outputs: {}, summary: { ...base, ...(outcome.kind === 'takeover' ? { tookOver: true } : {}) } };
});
