import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { requestContext } from '../../../../server/auth/context';
import { config } from '../../../../server/infra/config';
import { RETRY_AFTER_SECONDS } from '../../../../server/infra/dependencies';
import { readTextBody } from '../../../../server/rest/body';
import { route } from '../../../../server/rest/route';
import { appRouter } from '../../../../server/trpc/router';
import { jsonTextDepth } from '../../../../workflows/core/limits';

// Services talk to Postgres, Temporal and DuckDB: Node runtime.
export const runtime = 'nodejs';

function refuse(status: number, message: string): Response {
  return Response.json([{ error: { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: status } } }], { status });
}

/** Bodies and query inputs are bounded before tRPC (and superjson, which recurses) sees them. */
async function handler(req: Request) {
  const limits = config().documentLimits;
  let request = req;
  const input = new URL(req.url).searchParams.get('input');
  if (input && jsonTextDepth(input, limits.maxDepth + 4) > limits.maxDepth + 4) return refuse(422, 'The input is nested too deeply');
  if (req.method === 'POST') {
    // Room for the tRPC envelope around the largest document.
    const body = await readTextBody(req, limits.maxBytes + 64 * 1024);
    if (!body.ok) return refuse(body.status, body.message);
    if (jsonTextDepth(body.value, limits.maxDepth + 4) > limits.maxDepth + 4) return refuse(422, 'The input is nested too deeply');
    request = new Request(req.url, { method: 'POST', headers: req.headers, body: body.value });
  }
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    // Internal errors are logged with their request id by the errorFormatter (server/trpc/init.ts).
    createContext: () => requestContext(req.headers),
    // Postgres or Temporal not answering: tell the client when to try again.
    responseMeta: ({ errors }) =>
      errors.some((e) => e.code === 'SERVICE_UNAVAILABLE') ? { headers: new Headers({ 'retry-after': String(RETRY_AFTER_SECONDS) }) } : {},
  });
}

// Each procedure declares its own role and is checked by it (server/trpc/init.ts), after this route.
const serve = route({ public: 'each procedure checks its own role (server/trpc/init.ts) before reading its input' }, (req) => handler(req), {
  patienceMs: null,
});

export { serve as GET, serve as POST };
