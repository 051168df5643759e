import { json, problem } from '../../../../../server/rest/http';
import { config } from '../../../../../server/infra/config';
import { readDocumentBody } from '../../../../../server/rest/body';
import { ServiceError } from '../../../../../server/infra/errors';
import { route } from '../../../../../server/rest/route';
import { getPipeline, savePipeline } from '../../../../../server/services/pipelines';
import { versionMessageOf } from '../../../../../server/rest/version-message';

export const dynamic = 'force-dynamic';

/** The newest version's document, or `?version=N`'s. */
export const GET = route<{ name: string }>({ role: 'viewer' }, async (req, { params }) => {
  const raw = new URL(req.url).searchParams.get('version');
  if (raw !== null && !/^[1-9]\d{0,8}$/.test(raw)) throw new ServiceError('invalid', `version must be a whole number from 1, got "${raw}"`);
  return json(await getPipeline(params.name, raw === null ? undefined : Number(raw)));
});

/**
 * Saves a millrace/v1 document; a document that does not compile is refused with node-addressed errors.
 * The version's author is the caller; its message `?message=` or X-Millrace-Message.
 */
export const PUT = route<{ name: string }>({ role: 'editor', audit: 'pipeline.saved' }, async (req, { params, caller }) => {
  const message = versionMessageOf(req);
  const body = await readDocumentBody(req, config().documentLimits);
  if (!body.ok) return problem(body.status, body.message);
  const saved = await savePipeline(body.value, { name: params.name, author: caller.label, message });
  if (!saved.ok) return problem(422, `The pipeline has ${saved.errors.length} error(s)`, { errors: saved.errors });
  return json({ name: saved.name, version: saved.version, created: saved.created, warnings: saved.warnings });
});
