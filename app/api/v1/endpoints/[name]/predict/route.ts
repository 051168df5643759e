import { config } from '../../../../../../server/infra/config';
import { handle, json, problem, readJsonBody, refuseUnsafeRequest, type RouteParams } from '../../../../../../server/rest/http';
import { REQUEST_ID, predictBody } from '../../../../../../server/rest/schemas';
import { predict } from '../../../../../../server/services/endpoints';

export const dynamic = 'force-dynamic';

/**
 * Scores raw rows with the endpoint's production model; feature values and outputs are logged in the
 * background under the request's `X-Request-Id` (the caller's, or one made up here and answered).
 */
export async function POST(req: Request, { params }: RouteParams<{ name: string }>) {
  // proxy.ts skips this route (bodies up to MILLRACE_MAX_PREDICT_BYTES): the request guard runs here.
  const refused = refuseUnsafeRequest(req);
  if (refused) return refused;
  const given = req.headers.get('x-request-id');
  if (given !== null && !REQUEST_ID.test(given)) {
    const error = 'X-Request-Id must be 1 to 200 visible ASCII characters (no spaces); a UUID is a good choice';
    return handle(async () => problem(400, error, { errors: [error], issues: [] }));
  }
  const requestId = given ?? crypto.randomUUID();
  return handle(
    async () => {
      const { name } = await params;
      const body = await readJsonBody(req, predictBody, { maxBytes: config().maxPredictBytes });
      return json(await predict(name, body.rows, requestId));
    },
    { requestId },
  );
}
