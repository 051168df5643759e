import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AuditEntry } from '../../server/infra/audit-log';
import type { Principal } from '../../server/auth/principal';

// Where the seam writes audit rows: once per successful audited call, none for refusals, failures or calls
// that report "nothing changed", and a failed write never changes the answer. The database write itself is
// exercised against Postgres in test/integration/tokens-audit.test.ts; here the one writer is recorded.

const written = vi.hoisted(() => ({ entries: [] as AuditEntry[], fail: false }));
vi.mock('../../server/infra/audit-log', () => ({
  appendAuditEvent: async (entry: AuditEntry) => {
    if (written.fail) throw new Error('the database is gone');
    written.entries.push(entry);
    return true;
  },
}));
const caller = vi.hoisted(() => ({ current: null as Principal | null }));
vi.mock('../../server/auth/principal', () => ({ authenticate: async () => caller.current }));

const { procedure, router } = await import('../../server/trpc/init');
const { route } = await import('../../server/rest/route');
const { ServiceError } = await import('../../server/infra/errors');

const editor: Principal = {
  kind: 'token',
  id: 'tok-1',
  label: 'token ci (mrt_abcdefgh…)',
  workspaceId: '00000000-0000-4000-8000-000000000001',
  role: 'editor',
  ip: '10.0.0.7',
  userAgent: 'curl/8',
};
const viewer: Principal = { ...editor, id: 'tok-2', role: 'viewer' };

const testRouter = router({
  save: procedure('editor', 'pipeline.saved')
    .input(z.object({ document: z.object({ name: z.string() }), message: z.string().optional() }))
    .mutation(({ input }) => (input.document.name === 'broken' ? { ok: false as const, errors: ['x'] } : { ok: true as const, name: input.document.name, version: 2 })),
  cancel: procedure('editor', 'run.cancelled')
    .input(z.object({ runId: z.string() }))
    .mutation(({ input }) => {
      if (input.runId === 'gone') throw new ServiceError('not_found', 'Run gone was not found');
      return { cancelling: true };
    }),
  quiet: procedure('editor').mutation(() => 'no audit declared'),
});

async function call(path: string, principal: Principal | null, input: unknown) {
  const req = new Request(`http://localhost/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: input }) });
  const res = await fetchRequestHandler({ endpoint: '/api/trpc', req, router: testRouter, createContext: () => ({ principal: async () => principal }) });
  return res.status;
}

beforeEach(() => {
  written.entries = [];
  written.fail = false;
  caller.current = null;
});

describe('tRPC', () => {
  it('writes one row for a successful audited call: the caller, the target from the answer, harmless details', async () => {
    expect(await call('save', editor, { document: { name: 'churn' }, message: 'secret plans' })).toBe(200);
    expect(written.entries).toEqual([
      expect.objectContaining({
        workspaceId: editor.workspaceId,
        actorKind: 'token',
        actorId: 'tok-1',
        actorLabel: 'token ci (mrt_abcdefgh…)',
        action: 'pipeline.saved',
        targetKind: 'pipeline',
        target: 'churn',
        details: { name: 'churn', version: 2, via: 'trpc save' },
        ip: '10.0.0.7',
        userAgent: 'curl/8',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      }),
    ]);
  });

  it('writes nothing for a refused caller, a failed call, a refusal reported as a value, or a call that declares no action', async () => {
    expect(await call('save', viewer, { document: { name: 'churn' } })).toBe(403);
    expect(await call('save', null, { document: { name: 'churn' } })).toBe(401);
    expect(await call('save', editor, { document: 'not an object' })).toBe(400);
    expect(await call('cancel', editor, { runId: 'gone' })).toBe(404);
    expect(await call('save', editor, { document: { name: 'broken' } })).toBe(200);
    expect(await call('quiet', editor, null)).toBe(200);
    expect(written.entries).toEqual([]);
  });

  it('answers the call even when the row cannot be written', async () => {
    written.fail = true;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await call('cancel', editor, { runId: 'r1' })).toBe(200);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('could not record the audit event run.cancelled'), expect.any(Error));
    logged.mockRestore();
  });
});

describe('REST', () => {
  const cancel = route<{ runId: string }>({ role: 'editor', audit: 'run.cancelled' }, async (_req, { params }) =>
    params.runId === 'done' ? Response.json({ error: 'already finished' }, { status: 409 }) : Response.json({ cancelling: true }, { status: 202 }),
  );
  const post = (runId: string) => cancel(new Request(`http://localhost/api/v1/runs/${runId}/cancel`, { method: 'POST' }), { params: Promise.resolve({ runId }) });

  it('writes one row after a 2xx answer, with the path parameter as target and the answer’s request id', async () => {
    caller.current = editor;
    const res = await post('r7');
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ cancelling: true });
    expect(written.entries).toEqual([
      expect.objectContaining({ action: 'run.cancelled', target: 'r7', targetKind: 'run', requestId: res.headers.get('x-request-id'), details: { via: 'POST /api/v1/runs/r7/cancel' } }),
    ]);
  });

  it('writes nothing for 401, 403 or an answer that is not a success', async () => {
    expect((await post('r1')).status).toBe(401);
    caller.current = viewer;
    expect((await post('r1')).status).toBe(403);
    caller.current = editor;
    expect((await post('done')).status).toBe(409);
    expect(written.entries).toEqual([]);
  });
});
