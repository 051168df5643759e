import { z } from 'zod';
import { acceptAsNewAccount, acceptAsNewInput } from '../../../../../../server/services/members';
import { json, readJsonBody } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';

export const dynamic = 'force-dynamic';

const id = z.uuid('Not an invitation id');

/** A person without an account accepts: the account gets the invited email; the answer signs them in. */
export const POST = route<{ id: string }>(
  { public: 'the invited person has no account yet; the account is made for the invited email only' },
  async (req, { params }) => {
    const invitationId = id.parse(params.id);
    const body = await readJsonBody(req, acceptAsNewInput, { maxBytes: 16 * 1024 });
    const { headers, ...accepted } = await acceptAsNewAccount(invitationId, body, req.headers);
    const answer = json(accepted, 201);
    for (const cookie of headers.getSetCookie()) answer.headers.append('set-cookie', cookie);
    return answer;
  },
);
