import { answerPredict } from '../../../../../../server/rest/predict-request';
import { route } from '../../../../../../server/rest/route';

export const dynamic = 'force-dynamic';

/**
 * Scores raw rows with the endpoint's production model (server/rest/predict-request.ts). `npm start`'s
 * web server answers this path itself, before Next.js; this route serves `npm run dev` and any other way
 * of running the app. Open to anyone or only to API tokens and sessions, per endpoint (answerPredict checks).
 */
// proxy.ts skips this route (bodies up to MILLRACE_MAX_PREDICT_BYTES): the request guard runs in answerPredict.
export const POST = route<{ name: string }>({ predict: true }, (req, { params }) => answerPredict(req, params.name));
