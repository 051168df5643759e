import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tokenHash } from '../../server/auth/token-hash';
import type { AppRouter } from '../../server/trpc/router';
import { anonymousFetch } from '../support/auth-fetch';
import { http, type Caller } from '../support/http';
import { until } from '../support/wait';
import { createTestWorkspace } from '../support/workspaces';

// API tokens and the audit log against the real stack: tokens shown once and hashed, revoked and expired
// tokens refused at once, last use recorded; every audited change writes one row naming who, what and from
// where, a refused call writes none; the CSV export is admin-only and safe to open in a spreadsheet.

let sql: postgres.Sql;
beforeAll(() => {
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end({ timeout: 5 });
});

function client(bearer: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${inject('baseUrl')}/api/trpc`, transformer: superjson, fetch: anonymousFetch, headers: { authorization: `Bearer ${bearer}`, ...headers } })],
  });
}
const as = (role: Exclude<Caller, 'anonymous'>, headers: Record<string, string> = {}) => client(inject('tokens')[role], headers);
const labelOf = (role: string) => new RegExp(`^token test ${role} \\(mrt_.{8}…\\)$`);
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$|^::1$/;

async function trpcStatus(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (err) {
    if (err instanceof TRPCClientError) return (err.data as { httpStatus?: number } | undefined)?.httpStatus ?? 0;
    throw err;
  }
}

interface AuditEventRow {
  id: string;
  actor_kind: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_kind: string | null;
  target: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
}
const eventsFor = (action: string, target: string) =>
  sql<AuditEventRow[]>`select * from audit_events where action = ${action} and target = ${target} order by id`;
const eventCount = async () => (await sql<{ n: number }[]>`select count(*)::int as n from audit_events`)[0]!.n;

describe('API tokens', () => {
  it('shows a new token once, keeps only its hash, and the token works as a bearer', async () => {
    const created = await as('admin').tokens.create.mutate({ name: 'ci-reader', role: 'viewer' });
    expect(created.token).toMatch(/^mrt_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);

    const [row] = await sql`select * from api_tokens where id = ${created.id}`;
    expect(row!.token_hash).toBe(tokenHash(created.token));
    expect(JSON.stringify(Object.values(row!))).not.toContain(created.token);

    const listed = await as('admin').tokens.list.query();
    const mine = listed.find((t) => t.id === created.id)!;
    expect(mine).toMatchObject({ name: 'ci-reader', role: 'viewer', prefix: created.prefix, revokedAt: null, expiresAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(JSON.stringify(listed)).not.toContain(row!.token_hash);

    const me = await http('GET', '/api/v1/me', undefined, { authorization: `Bearer ${created.token}` });
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ kind: 'token', id: created.id, role: 'viewer', workspace: { slug: 'default' } });
    expect(me.data.label).toBe(`token ci-reader (${created.prefix}…)`);

    // The creation is in the log, made by the admin's token, without the token itself.
    const [event, ...more] = await eventsFor('token.created', created.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ actor_kind: 'token', target_kind: 'token', details: { name: 'ci-reader', role: 'viewer', prefix: created.prefix, via: 'trpc tokens.create' } });
    expect(event!.actor_label).toMatch(labelOf('admin'));
    expect(JSON.stringify(event)).not.toContain(created.token);
  });

  it('records when and from where a token was last used', async () => {
    const created = await as('admin').tokens.create.mutate({ name: 'last-use', role: 'editor' });
    expect((await as('admin').tokens.list.query()).find((t) => t.id === created.id)!.lastUsedAt).toBeNull();
    expect((await http('GET', '/api/v1/catalog', undefined, { authorization: `Bearer ${created.token}` })).status).toBe(200);
    const used = await until('the last use to be recorded', async () => {
      const t = (await as('admin').tokens.list.query()).find((x) => x.id === created.id)!;
      return t.lastUsedAt ? t : undefined;
    });
    expect(used.lastUsedIp).toMatch(LOOPBACK);
  });

  it('refuses a revoked token at once, and a second revoke', async () => {
    const created = await as('admin').tokens.create.mutate({ name: 'to-revoke', role: 'editor' });
    const withIt = client(created.token);
    expect((await withIt.pipelines.list.query()).length).toBeGreaterThanOrEqual(0);

    await as('admin').tokens.revoke.mutate({ id: created.id });
    expect((await http('GET', '/api/v1/me', undefined, { authorization: `Bearer ${created.token}` })).status).toBe(401);
    expect(await trpcStatus(withIt.pipelines.list.query())).toBe(401);
    expect((await as('admin').tokens.list.query()).find((t) => t.id === created.id)!.revokedAt).toBeInstanceOf(Date);

    expect(await trpcStatus(as('admin').tokens.revoke.mutate({ id: created.id }))).toBe(409);
    expect(await eventsFor('token.revoked', created.id)).toHaveLength(1);
  });

  it('limits how many tokens one admin makes per minute (429), without holding back another admin', async () => {
    const other = await createTestWorkspace('token-limit');
    const limit = inject('rateLimits').tokenCreate;
    for (let i = 0; i < limit; i++) await client(other.tokens.admin).tokens.create.mutate({ name: `bulk-${i}`, role: 'viewer' });
    const refused = await client(other.tokens.admin).tokens.create.mutate({ name: 'one-too-many', role: 'viewer' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<AppRouter>).data?.httpStatus).toBe(429);
    expect((refused as Error).message).toMatch(/Too many new tokens.*try again in \d+ s/);
    expect((await sql`select count(*)::int as n from api_tokens where name = 'one-too-many'`)[0]!.n).toBe(0);
    // Another admin (the default workspace's) is counted apart.
    const made = await as('admin').tokens.create.mutate({ name: 'after-the-flood', role: 'viewer' });
    expect(made.token).toMatch(/^mrt_/);
  });

  it('refuses an expired token', async () => {
    const created = await as('admin').tokens.create.mutate({ name: 'short-lived', role: 'viewer', expiresInDays: 1 });
    const expires = (await as('admin').tokens.list.query()).find((t) => t.id === created.id)!.expiresAt!;
    expect(expires.getTime()).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
    // Expired in the table before its first use (the web app keeps a token it has seen for a few seconds).
    await sql`update api_tokens set expires_at = now() - interval '1 second' where id = ${created.id}`;
    expect((await http('GET', '/api/v1/me', undefined, { authorization: `Bearer ${created.token}` })).status).toBe(401);
  });

  it('lets only admins make or revoke tokens, and writes nothing for a refused call', async () => {
    const before = await eventCount();
    for (const role of ['viewer', 'editor', 'deployer'] as const) {
      expect(await trpcStatus(as(role).tokens.create.mutate({ name: `from-${role}`, role: 'viewer' }))).toBe(403);
      expect(await trpcStatus(as(role).tokens.list.query())).toBe(403);
    }
    expect(await trpcStatus(as('deployer').tokens.revoke.mutate({ id: '00000000-0000-4000-8000-000000000000' }))).toBe(403);
    expect(await trpcStatus(as('admin').tokens.create.mutate({ name: '', role: 'viewer' }))).toBe(400);
    expect(await trpcStatus(as('admin').tokens.create.mutate({ name: 'x', role: 'owner' as never }))).toBe(400);
    expect(await eventCount()).toBe(before);
  });

  it('GET /api/v1/me answers 401 without a credential and names a session user', async () => {
    expect((await http('GET', '/api/v1/me', undefined, {}, { as: 'anonymous' })).status).toBe(401);
    const me = await http('GET', '/api/v1/me', undefined, { cookie: inject('adminCookie') });
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ kind: 'user', label: 'admin@test.local', role: 'admin', workspace: { slug: 'default' } });
  });

  it('millrace whoami names the token in MILLRACE_TOKEN, and says what to do without a valid one', async () => {
    const whoami = (token: string) =>
      promisify(execFile)(process.execPath, [path.resolve('server/cli/bin.mjs'), 'whoami'], {
        env: { ...process.env, MILLRACE_URL: inject('baseUrl'), MILLRACE_TOKEN: token },
        timeout: 120_000,
      }).then(
        ({ stdout }) => ({ code: 0, out: stdout }),
        (err: { code: number; stderr: string }) => ({ code: err.code, out: err.stderr }),
      );
    const ok = await whoami(inject('tokens').viewer);
    expect(ok.code).toBe(0);
    expect(ok.out.trim()).toMatch(/^token test viewer \(mrt_.{8}…\) \(token\): workspace default, role viewer$/);
    const refused = await whoami('mrt_not-a-token');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('Set MILLRACE_TOKEN to an API token');
  });
});

const tiny = (name: string, dataset: string) => ({
  apiVersion: 'millrace/v1',
  name,
  nodes: [{ id: 'load', type: 'ingest.dataset', params: { dataset } }],
  edges: [],
});

/** A run of this pipeline waits for a person until it is decided or cancelled. */
const waiting = { apiVersion: 'millrace/v1', name: 'audit-wait', nodes: [{ id: 'approve', type: 'control.approval', params: {} }], edges: [] };

async function awaitingApproval(runId: string) {
  await until(`run ${runId} to wait for its approval`, async () => {
    const { data } = await http('GET', `/api/v1/runs/${runId}`);
    if (['succeeded', 'failed', 'cancelled'].includes(data.status)) throw new Error(`run ended before it waited: ${JSON.stringify(data)}`);
    return data.steps.find((s: { nodeId: string }) => s.nodeId === 'approve')?.summary?.awaiting === 'approval' ? true : undefined;
  });
}

describe('the audit log', () => {
  beforeAll(async () => {
    for (const version of ['id,value\n1,10\n', 'id,value\n1,10\n2,20\n']) {
      const up = await http('POST', '/api/v1/datasets?name=audit-data', version, { 'content-type': 'text/csv' });
      expect(up.status, JSON.stringify(up.data)).toBe(201);
    }
  });

  it('records a saved pipeline once, with the caller, the address the server saw and the user agent; a document that does not compile records nothing', async () => {
    // A client's own claim to an address is replaced by the server's view of the connection.
    const editor = as('editor', { 'x-millrace-client-ip': '203.0.113.9', 'user-agent': 'audit-test/1' });
    const saved = await editor.pipelines.save.mutate({ document: tiny('audit-pipe', 'audit-data') });
    expect(saved.ok).toBe(true);
    const [event, ...more] = await eventsFor('pipeline.saved', 'audit-pipe');
    expect(more).toEqual([]);
    expect(event).toMatchObject({ actor_kind: 'token', target_kind: 'pipeline', user_agent: 'audit-test/1', details: { version: 1, via: 'trpc pipelines.save' } });
    expect(event!.actor_label).toMatch(labelOf('editor'));
    expect(event!.ip).toMatch(LOOPBACK);
    expect(event!.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(event!.details)).not.toContain('ingest.dataset');

    const before = await eventCount();
    const broken = await editor.pipelines.save.mutate({ document: { ...tiny('audit-broken', 'audit-data'), edges: [{ from: 'nowhere.table', to: 'load.table' }] } });
    expect(broken.ok).toBe(false);
    expect(await trpcStatus(as('viewer').pipelines.save.mutate({ document: tiny('audit-viewer', 'audit-data') }))).toBe(403);
    expect(await trpcStatus(editor.runs.cancel.mutate({ runId: 'no-such-run' }))).toBe(404);
    expect(await eventCount()).toBe(before);
  });

  it('records a dataset version set, and a webhook connection made and removed without its URL', async () => {
    await as('editor').datasetVersions.setLatest.mutate({ name: 'audit-data', version: 1 });
    const [set, ...moreSets] = await eventsFor('dataset.version_set', 'audit-data');
    expect(moreSets).toEqual([]);
    expect(set).toMatchObject({ target_kind: 'dataset', details: { latestVersion: 1, version: 1 } });

    const url = 'https://hooks.example.com/services/T000/B000/audit-secret-path';
    const hook = await as('admin').notifications.createWebhook.mutate({ url, events: ['run.failed'] });
    await as('admin').notifications.deleteWebhook.mutate({ id: hook.id });
    const created = await eventsFor('connection.created', hook.id);
    const deleted = await eventsFor('connection.deleted', hook.id);
    expect([created.length, deleted.length]).toEqual([1, 1]);
    expect(created[0]!.actor_label).toMatch(labelOf('admin'));
    expect(JSON.stringify([created, deleted])).not.toContain('audit-secret-path');
  });

  it('records a trigger made by a person, the run it starts as the trigger’s, a decided approval, a started run and a REST cancel', async () => {
    expect((await as('editor').pipelines.save.mutate({ document: waiting })).ok).toBe(true);
    const trigger = await as('editor').triggers.create.mutate({ pipeline: 'audit-wait', trigger: { kind: 'webhook', paramPointers: {} } });
    const id = trigger.trigger.id;
    const [made, ...moreMade] = await eventsFor('trigger.changed', id);
    expect(moreMade).toEqual([]);
    expect(made).toMatchObject({ target_kind: 'trigger', details: { kind: 'webhook', via: 'trpc triggers.create' } });
    expect(JSON.stringify(made)).not.toContain(trigger.token!);

    const fired = await http('POST', `/api/v1/hooks/${id}`, { build: 1 }, { authorization: `Bearer ${trigger.token}` });
    expect(fired.status, JSON.stringify(fired.data)).toBe(202);
    const hookRun: string = fired.data.runId;
    const [started, ...moreStarts] = await eventsFor('run.started', hookRun);
    expect(moreStarts).toEqual([]);
    expect(started).toMatchObject({ actor_kind: 'trigger', actor_id: id, target_kind: 'run', details: { pipeline: 'audit-wait', firing: 'webhook' } });
    expect(started!.actor_label).toBe('webhook trigger of audit-wait');

    await awaitingApproval(hookRun);
    await as('deployer').runs.decideApproval.mutate({ runId: hookRun, nodeId: 'approve', decision: 'approve', comment: 'looks fine' });
    const [decided, ...moreDecided] = await eventsFor('approval.decided', hookRun);
    expect(moreDecided).toEqual([]);
    expect(decided).toMatchObject({ target_kind: 'run', details: { decision: 'approve', nodeId: 'approve', via: 'trpc runs.decideApproval' } });
    expect(decided!.actor_label).toMatch(labelOf('deployer'));
    expect(JSON.stringify(decided)).not.toContain('looks fine');

    const run = await as('editor').runs.start.mutate({ pipeline: 'audit-wait' });
    if (!run.ok) throw new Error(JSON.stringify(run));
    const [byPerson, ...moreByPerson] = await eventsFor('run.started', run.runId);
    expect(moreByPerson).toEqual([]);
    expect(byPerson).toMatchObject({ actor_kind: 'token', target_kind: 'run', details: { via: 'trpc runs.start' } });
    expect(byPerson!.actor_label).toMatch(labelOf('editor'));

    await awaitingApproval(run.runId);
    const cancel = await http('POST', `/api/v1/runs/${run.runId}/cancel`, undefined, {}, { as: 'editor' });
    expect(cancel.status).toBe(202);
    const [cancelled, ...moreCancels] = await eventsFor('run.cancelled', run.runId);
    expect(moreCancels).toEqual([]);
    expect(cancelled).toMatchObject({
      actor_kind: 'token',
      target_kind: 'run',
      request_id: cancel.headers.get('x-request-id'),
      details: { via: `POST /api/v1/runs/${run.runId}/cancel` },
    });
    expect(cancelled!.actor_label).toMatch(labelOf('editor'));
    expect(cancelled!.ip).toMatch(LOOPBACK);

    // Cancelling again is refused (the run is cancelling or cancelled) and adds no row.
    const before = await eventCount();
    expect((await http('POST', `/api/v1/runs/${run.runId}/cancel`, undefined, {}, { as: 'viewer' })).status).toBe(403);
    expect(await eventCount()).toBe(before);
  });

  it('records schedule changes by their caller, and the run a schedule starts as the schedule’s', async () => {
    const editor = as('editor');
    const schedule = await editor.schedules.create.mutate({ pipeline: 'audit-wait', schedule: { name: 'audit-sched', spec: { kind: 'interval', everySeconds: 86_400 } } });
    const [made, ...moreMade] = await eventsFor('schedule.changed', 'audit-wait/audit-sched');
    expect(moreMade).toEqual([]);
    expect(made).toMatchObject({ target_kind: 'schedule', details: { pipeline: 'audit-wait', name: 'audit-sched', via: 'trpc schedules.create' } });
    expect(made!.actor_label).toMatch(labelOf('editor'));

    await editor.schedules.trigger.mutate({ pipeline: 'audit-wait', name: 'audit-sched' });
    const [byCaller] = await sql<AuditEventRow[]>`select * from audit_events where action = 'run.started' and details->>'via' = 'trpc schedules.trigger' and details->>'pipeline' = 'audit-wait'`;
    expect(byCaller).toMatchObject({ actor_kind: 'token', target_kind: 'schedule', target: 'audit-wait/audit-sched', details: { pipeline: 'audit-wait', name: 'audit-sched' } });
    const bySchedule = await until('the schedule to start a run', async () => {
      const [row] = await sql<AuditEventRow[]>`select * from audit_events where action = 'run.started' and actor_kind = 'schedule' and details->>'pipeline' = 'audit-wait'`;
      return row;
    });
    expect(bySchedule).toMatchObject({ actor_id: schedule.id, target_kind: 'run', details: { pipeline: 'audit-wait', firing: 'schedule' } });
    expect(bySchedule.actor_label).toBe(`schedule ${schedule.id}`);

    await awaitingApproval(bySchedule.target!);
    expect((await http('POST', `/api/v1/runs/${bySchedule.target}/cancel`)).status).toBe(202);
    await editor.schedules.delete.mutate({ pipeline: 'audit-wait', name: 'audit-sched' });
    expect(await eventsFor('schedule.changed', 'audit-wait/audit-sched')).toHaveLength(2);
  });

  it('pages newest first without repeats and filters by action and actor', async () => {
    for (const n of [1, 2, 3]) await as('admin').tokens.create.mutate({ name: `paging-${n}`, role: 'viewer' });
    const first = await as('admin').audit.list.query({ action: 'token.created', limit: 2 });
    expect(first.rows).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await as('admin').audit.list.query({ action: 'token.created', limit: 2, cursor: first.nextCursor });
    const ids = [...first.rows, ...second.rows].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(first.rows.map((r) => r.details)).toEqual([expect.objectContaining({ name: 'paging-3' }), expect.objectContaining({ name: 'paging-2' })]);

    const byEditor = await as('admin').audit.list.query({ actor: 'test editor', limit: 200 });
    expect(byEditor.rows.length).toBeGreaterThan(0);
    expect(byEditor.rows.every((r) => /^token test editor /.test(r.actorLabel))).toBe(true);
    expect(await trpcStatus(as('deployer').audit.list.query({}))).toBe(403);
  });

  it('exports CSV to admins only, with formula cells escaped', async () => {
    const [{ id: workspaceId }] = await sql<{ id: string }[]>`select id from workspaces where slug = 'default'`;
    await sql`insert into audit_events (workspace_id, actor_kind, actor_label, action, target_kind, target, details)
              values (${workspaceId}, 'user', '=HYPERLINK("http://evil.example","x")', 'role.changed', 'member', '@SUM(1+1)', ${sql.json({ role: 'editor' })})`;

    expect((await http('GET', '/api/v1/audit.csv', undefined, {}, { as: 'viewer' })).status).toBe(403);
    expect((await http('GET', '/api/v1/audit.csv', undefined, {}, { as: 'deployer' })).status).toBe(403);
    expect((await http('GET', '/api/v1/audit.csv', undefined, {}, { as: 'anonymous' })).status).toBe(401);
    expect((await http('GET', '/api/v1/audit.csv?action=nope')).status).toBe(400);

    const res = await http('GET', '/api/v1/audit.csv?action=role.changed');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = (res.data as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('time,actor_kind,actor,action,target_kind,target,details,ip,user_agent,request_id');
    expect(lines.slice(1).every((l) => l.includes(',role.changed,'))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/,user,"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)",role\.changed,member,'@SUM\(1\+1\),/));

    const all = await http('GET', '/api/v1/audit.csv');
    expect((all.data as string).split('\r\n').length).toBeGreaterThan(lines.length);
  });
});
