import { z } from 'zod';
import { invitationView } from '../../../../../server/services/members';
import { json } from '../../../../../server/rest/http';
import { route } from '../../../../../server/rest/route';

export const dynamic = 'force-dynamic';

const id = z.uuid('Not an invitation id');

/** The invite page's summary: workspace, role and invited email, and whether that email has an account. */
export const GET = route<{ id: string }>(
  { public: 'the invited person has no account yet; the invitation id (a random uuid) in the link is the credential' },
  async (_req, { params }) => json(await invitationView(id.parse(params.id))),
);
