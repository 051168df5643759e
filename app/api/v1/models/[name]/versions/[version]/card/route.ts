import { handle, type RouteParams } from '../../../../../../../../server/rest/http';
import { versionFromPath } from '../../../../../../../../server/rest/registry-params';
import { attachmentDisposition } from '../../../../../../../../server/services/exports';
import { modelCard, modelNameSchema } from '../../../../../../../../server/services/model-versions';

export const dynamic = 'force-dynamic';

/** A markdown model card of the version, as an attachment. */
export async function GET(_req: Request, { params }: RouteParams<{ name: string; version: string }>) {
  return handle(async () => {
    const p = await params;
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
}
