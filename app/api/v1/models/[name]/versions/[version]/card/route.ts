import { versionFromPath } from '../../../../../../../../server/rest/registry-params';
import { route } from '../../../../../../../../server/rest/route';
import { attachmentDisposition } from '../../../../../../../../server/services/exports';
import { modelCard, modelNameSchema } from '../../../../../../../../server/services/model-versions';

export const dynamic = 'force-dynamic';

/** A markdown model card of the version, as an attachment. */
export const GET = route<{ name: string; version: string }>({ role: 'viewer' }, async (_req, { params: p }) => {
  const name = modelNameSchema.parse(decodeURIComponent(p.name));
  const version = versionFromPath(p.version, 'Model');
  return new Response(await modelCard(name, version), {
    headers: {
      'content-type': 'text/markdown; charset=utf-8',
      'content-disposition': attachmentDisposition(`${name}-v${version}.md`),
      'x-content-type-options': 'nosniff',
    },
  });
});
