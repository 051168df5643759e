import { handle, json, readJsonBody, type RouteParams } from '../../../../../../server/rest/http';
import { feedbackBody } from '../../../../../../server/rest/schemas';
import { recordFeedback } from '../../../../../../server/services/prediction-feedback';

export const dynamic = 'force-dynamic';

/** True labels for logged predictions, by the predict request's `X-Request-Id` (and row). */
export async function POST(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const { name } = await params;
    const body = await readJsonBody(req, feedbackBody, { maxBytes: 4 * 1024 ** 2 });
    return json(await recordFeedback(name, Array.isArray(body) ? body : [body]));
  });
}
