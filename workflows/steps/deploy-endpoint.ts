import { promoteToEndpoint } from '../../server/services/endpoints';
import { getModelVersion } from '../../server/services/models';
import { deployEndpoint } from '../catalog/deploy';
import { implement } from './implement';

export const runDeployEndpoint = implement(deployEndpoint, async ({ params, inputs, ctx }) => {
  const version = await getModelVersion(String(inputs.model.meta?.modelVersionId ?? ''));
  await promoteToEndpoint(params.endpoint, version.id);
  ctx.progress(`endpoint ${params.endpoint} now serves ${version.model} v${version.version}`);
  return {
    outputs: {},
    summary: { endpoint: params.endpoint, model: version.model, modelVersion: version.version, path: `/api/v1/endpoints/${params.endpoint}/predict` },
  };
});
