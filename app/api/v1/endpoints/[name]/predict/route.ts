import { config } from '../../../../../../server/infra/config';
import { handle, json, readJsonBody, refuseUnsafeRequest, type RouteParams } from '../../../../../../server/rest/http';
import { predictBody } from '../../../../../../server/rest/schemas';
import { predict } from '../../../../../../server/services/endpoints';

export const dynamic = 'force-dynamic';

/** Scores raw rows with the endpoint's production model; feature values and outputs are logged in the background. */
export async function POST(req: Request, { params }: RouteParams<{ name: string }>) {
  // proxy.ts skips this route (bodies up to MILLRACE_MAX_PREDICT_BYTES): the request guard runs here.
  const refused = refuseUnsafeRequest(req);
  if (refused) return refused;
  return handle(async () => {
    const { name } = await params;
    const body = await readJsonBody(req, predictBody, { maxBytes: config().maxPredictBytes });
    return json(await predict(name, body.rows));
  });
}
