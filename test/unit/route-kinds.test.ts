import { beforeEach, describe, expect, it, vi } from 'vitest';

// The access kinds of route() besides a role: predict (the handler decides, per endpoint), a webhook
// trigger's own token, and the request guard for routes the proxy skips.

const calls = vi.hoisted(() => ({ authenticate: 0 }));
vi.mock('../../server/auth/principal', () => ({
  authenticate: async () => {
    calls.authenticate++;
    return null;
  },
}));

const { declaredAccess, route } = await import('../../server/rest/route');

const context = <P>(params: P) => ({ params: Promise.resolve(params) });

describe('route() access kinds', () => {
  beforeEach(() => {
    calls.authenticate = 0;
  });

  it('hands a predict request to its handler untouched: its answer and X-Request-Id are the handler’s own', async () => {
    const predict = route<{ name: string }>({ predict: true }, async (_req, { params, caller }) =>
      Response.json({ name: params.name, caller }, { headers: { 'x-request-id': 'mine' } }),
    );
    const res = await predict(new Request('http://localhost/api/v1/endpoints/e/predict', { method: 'POST' }), context({ name: 'e' }));
    expect(res.headers.get('x-request-id')).toBe('mine');
    expect(await res.json()).toEqual({ name: 'e', caller: null });
    expect(calls.authenticate).toBe(0);
    expect(declaredAccess(predict)).toEqual({ predict: true });
  });

  it('lets a webhook trigger’s handler check its own token, with no account looked up', async () => {
    const hook = route<{ id: string }>({ hook: true }, async (req) =>
      req.headers.get('x-millrace-token') === 'right' ? Response.json({ started: true }, { status: 202 }) : Response.json({ error: 'wrong token' }, { status: 401 }),
    );
    const post = (token: string) => new Request('http://localhost/api/v1/hooks/h', { method: 'POST', headers: { 'x-millrace-token': token } });
    expect((await hook(post('wrong'), context({ id: 'h' }))).status).toBe(401);
    expect((await hook(post('right'), context({ id: 'h' }))).status).toBe(202);
    expect(calls.authenticate).toBe(0);
  });

  it('runs the request guard first when asked: a foreign Host is refused before the caller is checked', async () => {
    const upload = route({ role: 'editor' }, async () => new Response(null, { status: 201 }), { guard: true });
    const res = await upload(new Request('http://evil.example/api/v1/datasets', { method: 'POST', headers: { host: 'evil.example' } }), context({}));
    expect(res.status).toBe(421);
    expect(calls.authenticate).toBe(0);
    const unguarded = route({ role: 'editor' }, async () => new Response(null, { status: 201 }));
    expect((await unguarded(new Request('http://evil.example/x', { method: 'POST', headers: { host: 'evil.example' } }), context({}))).status).toBe(401);
  });
});
