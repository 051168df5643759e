import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '../../../../server/trpc/router';

// Services talk to Postgres, Temporal and DuckDB: Node runtime.
export const runtime = 'nodejs';

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    // Internal errors are logged with their request id by the errorFormatter (server/trpc/init.ts).
    createContext: () => ({}),
  });
}

export { handler as GET, handler as POST };
