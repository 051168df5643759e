import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkAccess } from '../../server/auth/access';
import type { Principal } from '../../server/auth/principal';
import { ROLES, atLeast, parseRole, type Role } from '../../server/auth/roles';
import { currentWorkspaceId } from '../../server/infra/workspace';
import { procedure, router } from '../../server/trpc/init';

const as = (role: Role | null): Principal => ({
  kind: 'user',
  id: `user-${role}`,
  label: `${role}@example.org`,
  workspaceId: role ? '00000000-0000-4000-8000-000000000001' : null,
  role,
  ip: null,
  userAgent: null,
});

const testRouter = router({
  read: procedure('viewer').query(({ ctx }) => ctx.caller.label),
  edit: procedure('editor').input(z.object({ name: z.string().min(3) })).mutation(({ input }) => input.name),
  promote: procedure('deployer', 'model.promoted').mutation(() => 'promoted'),
  administer: procedure('admin').mutation(() => 'done'),
  me: procedure('signedIn').query(({ ctx }) => ctx.caller.id),
  workspace: procedure('viewer').query(async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return currentWorkspaceId();
  }),
});

async function call(path: string, principal: Principal | null, input?: unknown) {
  const mutation = !['read', 'me', 'workspace'].includes(path);
  const url = `http://localhost/api/trpc/${path}`;
  const req = mutation
    ? new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: input ?? null }) })
    : new Request(url);
  let resolved = 0;
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: testRouter,
    createContext: () => ({ principal: async () => (resolved++, principal) }),
  });
  const body = (await res.json()) as { result?: { data: { json: unknown } }; error?: { json: { message: string } } };
  return { status: res.status, data: body.result?.data.json, message: body.error?.json.message, resolved };
}

describe('roles', () => {
  it('are ordered viewer < editor < deployer < admin', () => {
    expect(ROLES).toEqual(['viewer', 'editor', 'deployer', 'admin']);
    expect(atLeast('admin', 'viewer')).toBe(true);
    expect(atLeast('deployer', 'deployer')).toBe(true);
    expect(atLeast('editor', 'deployer')).toBe(false);
    expect(atLeast('viewer', 'editor')).toBe(false);
  });

  it('read back from storage grant nothing when unknown', () => {
    expect(parseRole('deployer')).toBe('deployer');
    for (const stored of ['owner', 'member', 'Admin', '', null, undefined, 3]) expect(parseRole(stored), String(stored)).toBeUndefined();
  });
});

describe('checkAccess', () => {
  it('answers 401 without a caller and 403 with too weak a role, saying which role is needed', () => {
    expect(checkAccess(null, 'viewer')).toMatchObject({ ok: false, status: 401 });
    const weak = checkAccess(as('editor'), 'deployer');
    expect(weak).toMatchObject({ ok: false, status: 403 });
    expect(!weak.ok && weak.message).toBe('This needs the deployer role in the workspace; your role is editor.');
  });

  it('lets a signed-in person without a workspace call only what needs no role', () => {
    expect(checkAccess(as(null), 'signedIn').ok).toBe(true);
    expect(checkAccess(as(null), 'viewer')).toMatchObject({ ok: false, status: 403 });
    expect(checkAccess(null, 'signedIn')).toMatchObject({ ok: false, status: 401 });
  });
});

describe('the tRPC role check', () => {
  const required: Record<string, Role> = { read: 'viewer', edit: 'editor', promote: 'deployer', administer: 'admin' };

  it('answers each procedure for its role and the stronger ones, 403 for weaker ones and 401 for nobody', async () => {
    for (const [path, role] of Object.entries(required)) {
      const input = path === 'edit' ? { name: 'penguins' } : undefined;
      expect((await call(path, null, input)).status, `${path} anonymous`).toBe(401);
      for (const held of ROLES) {
        const { status } = await call(path, as(held), input);
        expect(status, `${path} as ${held}`).toBe(atLeast(held, role) ? 200 : 403);
      }
    }
  });

  it('checks the role before parsing the input, so a weaker caller learns nothing from validation', async () => {
    const refused = await call('edit', as('viewer'), { name: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.message).toBe('This needs the editor role in the workspace; your role is viewer.');
    expect((await call('edit', null, { nope: 1 })).status).toBe(401);
    expect((await call('edit', as('editor'), { name: 'x' })).status).toBe(400);
  });

  it('hands the caller to the procedure, resolved once per request', async () => {
    const res = await call('read', as('viewer'));
    expect(res.data).toBe('viewer@example.org');
    expect(res.resolved).toBe(1);
  });

  it('lets anyone signed in call a signedIn procedure, but nobody anonymous', async () => {
    expect((await call('me', as(null))).data).toBe('user-null');
    expect((await call('me', null)).status).toBe(401);
  });

  it("runs the procedure in the caller's workspace, and nothing outside a call has one", async () => {
    expect((await call('workspace', as('viewer'))).data).toBe('00000000-0000-4000-8000-000000000001');
    expect(() => currentWorkspaceId()).toThrow(/No workspace is set for this call/);
  });

  it('keeps the declared access in the procedure meta', () => {
    const meta = (testRouter._def.procedures as Record<string, { _def: { meta?: unknown } }>).promote!._def.meta;
    expect(meta).toEqual({ role: 'deployer', audit: 'model.promoted' });
  });
});
