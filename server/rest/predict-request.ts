import { config } from '../infra/config';
import { ServiceError } from '../infra/errors';
import type { Slot } from '../infra/model-registry';
import { predict } from '../services/endpoints';
import { errorAnswer, handle, json, problem, readJsonBody, refuseUnsafeRequest } from './http';
import { inCallerWorkspace } from './caller-workspace';
import { logRefusedPredict } from './predict-failure';
import { REQUEST_ID, predictBody } from './schemas';

/**
 * Which slot a predict request calls: `?slot=staging` or `X-Millrace-Slot: staging` (or production);
 * undefined when neither is given: production, with the endpoint's canary or shadow challenger.
 */
export function requestedSlot(query: string | null, header: string | null): Slot | undefined {
  const given = query ?? header;
  if (given === null) return undefined;
  if (given === 'production') return 'production';
  if (given === 'staging') return 'staging';
  throw new ServiceError('invalid', `slot must be "production" or "staging" (got "${given.slice(0, 40)}")`);
}

/** The one path the web server answers itself, without Next.js (server/launcher/web-server.ts). */
export const PREDICT_PATH = /^\/api\/v1\/endpoints\/([^/]+)\/predict$/;

/**
 * POST /api/v1/endpoints/{name}/predict: the request guard, the body within MILLRACE_MAX_PREDICT_BYTES,
 * `X-Request-Id` (the caller's, or one made up here and answered), the rows scored and logged in the
 * background. Shared by the Next.js route and the web server's own fast path, so both answer alike.
 */
export async function answerPredict(req: Request, name: string): Promise<Response> {
  // In the workspace of the request's credential, the refused request's log included.
  return inCallerWorkspace(req.headers, () => scorePredictRequest(req, name)).catch((thrown: unknown) => errorAnswer(thrown, crypto.randomUUID()));
}

async function scorePredictRequest(req: Request, name: string): Promise<Response> {
  const refused = refuseUnsafeRequest(req);
  if (refused) return refused;
  const given = req.headers.get('x-request-id');
  if (given !== null && !REQUEST_ID.test(given)) {
    const error = 'X-Request-Id must be 1 to 200 visible ASCII characters (no spaces); a UUID is a good choice';
    return handle(async () => problem(400, error, { errors: [error], issues: [] }));
  }
  const requestId = given ?? crypto.randomUUID();
  const started = performance.now();
  let failure: { thrown: unknown; slot?: Slot } | undefined;
  const answer = await handle(
    async () => {
      let slot: Slot | undefined;
      try {
        const body = await readJsonBody(req, predictBody, { maxBytes: config().maxPredictBytes });
        slot = requestedSlot(new URL(req.url).searchParams.get('slot'), req.headers.get('x-millrace-slot'));
        return json(await predict(name, body.rows, requestId, slot));
      } catch (thrown) {
        failure = { thrown, slot };
        throw thrown;
      }
    },
    { requestId },
  );
  if (failure) logRefusedPredict(name, failure.thrown, { status: answer.status, requestId, started, slot: failure.slot });
  return answer;
}
