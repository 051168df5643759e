import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../server/auth/principal';
import type { Role } from '../../server/auth/roles';

const caller = vi.hoisted(() => ({ current: null as Principal | null, calls: 0 }));
vi.mock('../../server/auth/principal', () => ({
  authenticate: async () => {
    caller.calls++;
    return caller.current;
  },
}));

const { declaredAccess, route } = await import('../../server/rest/route');
const { currentWorkspaceId } = await import('../../server/infra/workspace');

const as = (role: Role): Principal => ({
  kind: 'token',
  id: `token-${role}`,
  label: `${role} token`,
  workspaceId: '00000000-0000-4000-8000-000000000001',
  role,
  ip: null,
  userAgent: null,
});

const context = <P>(params: P) => ({ params: Promise.resolve(params) });

describe('route(access, handler)', () => {
  beforeEach(() => {
    caller.current = null;
    caller.calls = 0;
    handled.mockClear();
  });

  const handled = vi.fn();
  const cancel = route<{ runId: string }>({ role: 'editor', audit: 'run.cancelled' }, async (_req, { params, caller }) => {
    handled(params.runId, caller.label);
    return Response.json({ cancelling: true }, { status: 202 });
  });
  const post = () => new Request('http://localhost/api/v1/runs/r1/cancel', { method: 'POST' });

  it('answers 401 with a Bearer challenge and a JSON message when there is no credential', async () => {
    const res = await cancel(post(), context({ runId: 'r1' }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(((await res.json()) as { error: string }).error).toMatch(/^Sign in, or send an API token/);
    expect(handled).not.toHaveBeenCalled();
  });

  it('answers 403 naming the role needed when the caller is weaker, without running the handler', async () => {
    caller.current = as('viewer');
    const res = await cancel(post(), context({ runId: 'r1' }));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'This needs the editor role in the workspace; your role is viewer.' });
    expect(handled).not.toHaveBeenCalled();
  });

  it('runs the handler with the params and the caller for the role and stronger ones', async () => {
    for (const role of ['editor', 'deployer', 'admin'] as const) {
      caller.current = as(role);
      const res = await cancel(post(), context({ runId: 'r1' }));
      expect(res.status, role).toBe(202);
      expect(handled).toHaveBeenLastCalledWith('r1', `${role} token`);
    }
  });

  it("runs the handler in the caller's workspace", async () => {
    caller.current = as('viewer');
    const where = route({ role: 'viewer' }, async () => Response.json({ workspace: currentWorkspaceId() }));
    expect(await (await where(new Request('http://localhost/x'), context({}))).json()).toEqual({ workspace: '00000000-0000-4000-8000-000000000001' });
  });

  it('lets anyone call a public route, without looking for a credential', async () => {
    const health = route({ public: 'load balancer probe' }, async (_req, { caller }) => Response.json({ caller }));
    const res = await health(new Request('http://localhost/api/health'), context({}));
    expect(await res.json()).toEqual({ caller: null });
    expect(caller.calls).toBe(0);
  });

  it('keeps the declared access on the exported handler', () => {
    expect(declaredAccess(cancel)).toEqual({ role: 'editor', audit: 'run.cancelled' });
    expect(declaredAccess(async () => new Response())).toBeUndefined();
  });
});
