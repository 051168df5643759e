import { handle, json, problem, type RouteParams } from '../../../../../server/rest/http';
import { config } from '../../../../../server/infra/config';
import { readDocumentBody } from '../../../../../server/rest/body';
import { ServiceError } from '../../../../../server/infra/errors';
import { getPipeline, savePipeline } from '../../../../../server/services/pipelines';
import { actorOf } from '../../../../../server/rest/automation';
import { versionMessageOf } from '../../../../../server/rest/version-message';

export const dynamic = 'force-dynamic';

/** The newest version's document, or `?version=N`'s. */
export async function GET(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const raw = new URL(req.url).searchParams.get('version');
    if (raw !== null && !/^[1-9]\d{0,8}$/.test(raw)) throw new ServiceError('invalid', `version must be a whole number from 1, got "${raw}"`);
    return json(await getPipeline((await params).name, raw === null ? undefined : Number(raw)));
  });
}

/**
 * Saves a millrace/v1 document; a document that does not compile is refused with node-addressed errors.
 * The version's author is X-Millrace-User (else "api"); its message `?message=` or X-Millrace-Message.
 */
export async function PUT(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const { name } = await params;
    const author = actorOf(req);
    const message = versionMessageOf(req);
    const body = await readDocumentBody(req, config().documentLimits);
    if (!body.ok) return problem(body.status, body.message);
    const saved = await savePipeline(body.value, { name, author, message });
    if (!saved.ok) return problem(422, `The pipeline has ${saved.errors.length} error(s)`, { errors: saved.errors });
    return json({ name: saved.name, version: saved.version, created: saved.created, warnings: saved.warnings });
  });
}
