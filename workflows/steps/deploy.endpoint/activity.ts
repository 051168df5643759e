import { getModelVersion, promoteToEndpoint } from '../../../server/infra/model-registry';
import { implement } from '../kit/implement';
import definition from './definition';

export default implement(definition, async ({ params, inputs, ctx }) => {
  const version = await getModelVersion(String(inputs.model.meta?.modelVersionId ?? ''));
  await promoteToEndpoint(params.endpoint, version.id, { runId: ctx.runId, nodeId: ctx.nodeId });
  ctx.progress(`endpoint ${params.endpoint} now serves ${version.model} v${version.version}`);
  return {
    outputs: {},
    summary: { endpoint: params.endpoint, model: version.model, modelVersion: version.version, path: `/api/v1/endpoints/${params.endpoint}/predict` },
  };
});
