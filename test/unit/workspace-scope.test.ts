import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../server/auth/principal';

const caller = vi.hoisted(() => ({ current: null as Principal | null, calls: 0 }));
vi.mock('../../server/auth/principal', () => ({
  authenticate: async () => {
    caller.calls++;
    return caller.current;
  },
}));

const { currentActor, currentWorkspaceId, creatorActor, hasWorkspace, NoWorkspaceError, withWorkspace } = await import('../../server/infra/workspace');
const { errorAnswer, handle } = await import('../../server/rest/http');

const WS_A = '00000000-0000-4000-8000-00000000000a';
const WS_B = '00000000-0000-4000-8000-00000000000b';

const editorOfB: Principal = { kind: 'token', id: 't1', label: 'token b editor (mrt_x…)', workspaceId: WS_B, role: 'editor', ip: null, userAgent: null };

beforeEach(() => {
  caller.current = null;
  caller.calls = 0;
});

describe('the workspace scope', () => {
  it('fails closed outside a scope', () => {
    expect(hasWorkspace()).toBe(false);
    expect(() => currentWorkspaceId()).toThrow(NoWorkspaceError);
    expect(currentActor()).toBeUndefined();
  });

  it('carries the workspace and who acts through awaits, and an inner scope wins', async () => {
    await withWorkspace(
      WS_A,
      async () => {
        await new Promise((r) => setTimeout(r, 1));
        expect(currentWorkspaceId()).toBe(WS_A);
        expect(currentActor()).toEqual({ label: 'a admin', role: 'admin' });
        await withWorkspace(WS_B, async () => {
          expect(currentWorkspaceId()).toBe(WS_B);
          expect(currentActor()).toBeUndefined();
        });
        expect(currentWorkspaceId()).toBe(WS_A);
      },
      { label: 'a admin', role: 'admin' },
    );
    expect(hasWorkspace()).toBe(false);
  });

  it("keeps only a principal's label and role as the actor", () => {
    withWorkspace(WS_B, () => expect(currentActor()).toEqual({ label: editorOfB.label, role: 'editor' }), editorOfB);
  });

  it('gives schedules and triggers their creator’s role, admin for rows made before accounts, none for an unknown role', () => {
    expect(creatorActor('ana', 'editor', 'schedule "n"')).toEqual({ label: 'ana (schedule "n")', role: 'editor' });
    expect(creatorActor('ui', null, 'dataset trigger')).toEqual({ label: 'ui (dataset trigger)', role: 'admin' });
    expect(creatorActor('bo', 'owner', 'webhook trigger').role).toBeNull();
  });
});

describe('a handler outside any workspace', () => {
  it('answers 401 asking for a credential, not an internal error', async () => {
    const res = await handle(async () => Response.json({ id: currentWorkspaceId() }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(errorAnswer(new NoWorkspaceError(), 'r1').status).toBe(401);
  });
});
