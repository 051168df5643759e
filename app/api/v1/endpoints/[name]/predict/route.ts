import { config } from '../../../../../../server/infra/config';
import { handle, json, readJsonBody, type RouteParams } from '../../../../../../server/rest/http';
import { predictBody } from '../../../../../../server/rest/schemas';
import { predict } from '../../../../../../server/services/endpoints';

export const dynamic = 'force-dynamic';

/** Scores raw rows with the endpoint's production model; feature values and outputs are logged in the background. */
export async function POST(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const { name } = await params;
    const body = await readJsonBody(req, predictBody, { maxBytes: config().maxPredictBytes });
    return json(await predict(name, body.rows));
  });
}
