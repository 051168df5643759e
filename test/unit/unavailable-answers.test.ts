// A dependency that is down answers 503 with Retry-After, naming it, on both APIs: through tRPC's real
// fetch adapter and through the REST handler, for a refused connection and for one that never answers.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../server/infra/dependencies';
import { handle, json } from '../../server/rest/http';
import type { Principal } from '../../server/auth/principal';
import { procedure, router } from '../../server/trpc/init';

const viewer: Principal = { kind: 'local', id: 'local', label: 'local', workspaceId: null, role: 'viewer', ip: null, userAgent: null };

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

const testRouter = router({
  refused: procedure('viewer').query(() => {
    throw new Error('Failed query: select 1', { cause: refused() });
  }),
  temporalDown: procedure('viewer').query(() => {
    throw new DependencyUnavailableError('temporal', 'no answer within 1.5 s');
  }),
});

async function trpc(path: string) {
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req: new Request(`http://localhost/api/trpc/${path}`),
    router: testRouter,
    createContext: () => ({ principal: async () => viewer }),
    responseMeta: ({ errors }) => (errors.some((e) => e.code === 'SERVICE_UNAVAILABLE') ? { headers: new Headers({ 'retry-after': '5' }) } : {}),
  });
  return { status: res.status, body: (await res.json()) as { error: { json: { message: string } } } };
}

describe('a dependency that is down', () => {
  it('answers a tRPC call 503 naming it, not an internal error', async () => {
    const pg = await trpc('refused');
    expect(pg.status).toBe(503);
    expect(pg.body.error.json.message).toMatch(/^Postgres is not answering/);
    const temporal = await trpc('temporalDown');
    expect(temporal.status).toBe(503);
    expect(temporal.body.error.json.message).toMatch(/^Temporal is not answering/);
  });

  it('answers a REST request 503 with Retry-After and the dependency', async () => {
    const res = await handle(async () => {
      throw refused();
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ dependency: 'postgres', error: expect.stringMatching(/Postgres is not answering/) });
  });

  describe('with neither Postgres nor Temporal reachable', () => {
    const saved = { db: process.env.DATABASE_URL, temporal: process.env.TEMPORAL_ADDRESS };
    beforeAll(() => {
      // Nothing listens on port 1: both probes fail at once.
      process.env.DATABASE_URL = 'postgres://nobody:nothing@127.0.0.1:1/none';
      process.env.TEMPORAL_ADDRESS = '127.0.0.1:1';
    });
    afterAll(() => {
      process.env.DATABASE_URL = saved.db;
      process.env.TEMPORAL_ADDRESS = saved.temporal;
    });

    it('answers a request that is still waiting after its patience with 503, instead of hanging', async () => {
      const res = await handle(() => new Promise<Response>(() => {}), { patienceMs: 200 });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await res.json()).dependency).toBe('postgres');
    });

    it('lets a request without patience finish however long it takes', async () => {
      const res = await handle(() => new Promise<Response>((r) => setTimeout(() => r(json({ done: true })), 300)), { patienceMs: null });
      expect(res.status).toBe(200);
    });
  });
});
