import { whoAmI } from '../../../../server/auth/whoami';
import { json } from '../../../../server/rest/http';
import { route } from '../../../../server/rest/route';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'signedIn' }, async (_req, { caller }) => json(await whoAmI(caller)));
