import { serveAuthRequest } from '../../../../server/auth/auth-http';
import { route } from '../../../../server/rest/route';

// Sessions, sign-in and sign-out: Node runtime (Postgres).
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const serve = route({ public: 'sign-in and session endpoints; better-auth checks credentials and rate-limits sign-in' }, (req) =>
  serveAuthRequest(req),
);

export { serve as GET, serve as POST };
