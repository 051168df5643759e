import { completeSetup, setupRequestSchema } from '../../../../server/auth/setup';
import { json, readJsonBody } from '../../../../server/rest/http';
import { clientIp, takeOrRefuse } from '../../../../server/rest/rate-limit';
import { route } from '../../../../server/rest/route';

export const dynamic = 'force-dynamic';

/** Creates the first admin from the one-time set-up link; 410 once it is used or expired. */
export const POST = route(
  { public: 'the first admin does not exist yet; the one-time set-up token in the body is the credential' },
  async (req) => {
    takeOrRefuse('setup', clientIp(req.headers));
    const body = await readJsonBody(req, setupRequestSchema, { maxBytes: 16 * 1024 });
    const { userId, headers } = await completeSetup(body, req.headers);
    const answer = json({ userId, email: body.email, role: 'admin' }, 201);
    for (const cookie of headers.getSetCookie()) answer.headers.append('set-cookie', cookie);
    return answer;
  },
);
