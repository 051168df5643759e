import { json, readJsonBody } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { feedbackBody } from '../../../../../../server/rest/schemas';
import { recordFeedback } from '../../../../../../server/services/prediction-feedback';

export const dynamic = 'force-dynamic';

/** True labels for logged predictions, by the predict request's `X-Request-Id` (and row). */
export const POST = route<{ name: string }>({ role: 'editor' }, async (req, { params }) => {
  const body = await readJsonBody(req, feedbackBody, { maxBytes: 4 * 1024 ** 2 });
  return json(await recordFeedback(params.name, Array.isArray(body) ? body : [body]));
});
