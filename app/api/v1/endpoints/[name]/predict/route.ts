import { answerPredict } from '../../../../../../server/rest/predict-request';
import type { RouteParams } from '../../../../../../server/rest/http';

export const dynamic = 'force-dynamic';

/**
 * Scores raw rows with the endpoint's production model (server/rest/predict-request.ts). `npm start`'s
 * web server answers this path itself, before Next.js; this route serves `npm run dev` and any other way
 * of running the app.
 */
export async function POST(req: Request, { params }: RouteParams<{ name: string }>) {
  // proxy.ts skips this route (bodies up to MILLRACE_MAX_PREDICT_BYTES): the request guard runs in answerPredict.
  return answerPredict(req, (await params).name);
}
