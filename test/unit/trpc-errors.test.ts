import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it, vi } from 'vitest';
import { ServiceError } from '../../server/infra/errors';
import type { Principal } from '../../server/auth/principal';
import { procedure, router } from '../../server/trpc/init';

const viewer: Principal = { kind: 'local', id: 'local', label: 'local', workspaceId: null, role: 'viewer', ip: null, userAgent: null };

// The UI API's error shape, through tRPC's real fetch adapter.
const testRouter = router({
  broken: procedure('viewer').query(() => {
    throw new Error('ENOENT: no such file /srv/millrace/artifacts/ab/abcdef');
  }),
  refused: procedure('viewer').query(() => {
    throw new ServiceError('invalid', 'The pipeline name must be lower-case');
  }),
});

async function call(path: string) {
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req: new Request(`http://localhost/api/trpc/${path}`),
    router: testRouter,
    createContext: () => ({ principal: async () => viewer }),
  });
  return { status: res.status, body: (await res.json()) as { error: { json: { message: string; data: Record<string, unknown> } } } };
}

describe('tRPC errors', () => {
  it('answer an internal error with a request id only, and log the cause under it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { status, body } = await call('broken');
      expect(status).toBe(500);
      const err = body.error.json;
      expect(err.message).toBe('Internal error');
      expect(err.data.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(body)).not.toContain('/srv/millrace');
      expect(err.data.stack).toBeUndefined();
      expect(logged).toHaveBeenCalledWith(expect.stringContaining(String(err.data.requestId)), expect.any(Error));
    } finally {
      logged.mockRestore();
    }
  });

  it('keep the message of an error a person can act on', async () => {
    const { status, body } = await call('refused');
    expect(status).toBe(400);
    expect(body.error.json.message).toBe('The pipeline name must be lower-case');
  });
});
