import { z } from 'zod';
import { readOptionalJsonBody } from '../../../../../server/rest/automation';
import { json, problem } from '../../../../../server/rest/http';
import { clientIp, countFailure, refuseIfExhausted } from '../../../../../server/rest/rate-limit';
import { route } from '../../../../../server/rest/route';
import { HookUnauthorized, fireWebhook, hookTokenOf } from '../../../../../server/services/triggers';

export const dynamic = 'force-dynamic';

const unauthorized = (message: string) => json({ error: message }, 401, { 'www-authenticate': 'Bearer' });

/** A webhook trigger: the token in `Authorization: Bearer …` or `X-Millrace-Token`, any JSON body as the payload. */
export const POST = route<{ id: string }>({ hook: true }, async (req, { params }) => {
  const ip = clientIp(req.headers);
  refuseIfExhausted('tokenFailures', ip);
  const token = hookTokenOf(req.headers);
  if (!token) return unauthorized('Send the webhook token as "Authorization: Bearer <token>" or "X-Millrace-Token: <token>"');
  const payload = await readOptionalJsonBody(req, z.unknown());
  const idempotencyKey = req.headers.get('idempotency-key')?.trim() || undefined;
  if (idempotencyKey && idempotencyKey.length > 200) return problem(400, 'Idempotency-Key is at most 200 characters');
  try {
    const started = await fireWebhook(params.id, { token, payload: payload ?? {}, idempotencyKey });
    return json({ runId: started.runId, existing: started.existing }, started.existing ? 200 : 202, { location: `/api/v1/runs/${started.runId}` });
  } catch (err) {
    if (err instanceof HookUnauthorized) {
      countFailure('tokenFailures', ip);
      return unauthorized(err.message);
    }
    throw err;
  }
});
