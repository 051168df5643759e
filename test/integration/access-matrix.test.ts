import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROLES, meets, type Requirement, type Role } from '../../server/auth/roles';
import { declaredAccess, type RouteAccess } from '../../server/rest/route';
import { appRouter } from '../../server/trpc/router';
import { anonymousFetch } from '../support/auth-fetch';
import { credentials, http, waitForRun, type Caller } from '../support/http';
import { penguin } from '../support/penguin-row';

// Every tRPC procedure and every REST route × method, called over HTTP with no credential and with each
// role's token: below the declared role → 401 (none) or 403 (a weaker role); at or above → neither. Both
// lists are read from the code (the router, the route files), so a new procedure or route is covered at once.
// Then the holes peers have had: a viewer starting work, a spoofed actor header, and predict's two access modes.

const baseUrl = () => inject('baseUrl');
// For the Next.js predict route called in this process (below): the stack's Postgres and data folder.
process.env.DATABASE_URL = inject('databaseUrl');
process.env.MILLRACE_DATA_DIR = inject('dataDir');
process.env.PORT = new URL(baseUrl()).port;
const CALLERS: Caller[] = ['anonymous', ...ROLES];

/** The answer expected from `caller` for something that requires `required`: 401, 403 or "through". */
function expected(caller: Caller, required: Requirement): 401 | 403 | 'through' {
  if (caller === 'anonymous') return 401;
  return meets(caller as Role, required) ? 'through' : 403;
}

function verdict(status: number): 401 | 403 | 'through' {
  return status === 401 ? 401 : status === 403 ? 403 : 'through';
}

// ---- tRPC: every procedure of the router ----

interface ProcedureDef {
  _def: { type: 'query' | 'mutation' | 'subscription'; meta?: { role?: Requirement } };
}
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>).map(([name, p]) => ({
  name,
  type: p._def.type,
  role: p._def.meta!.role!,
}));

// Queries get `{}`; mutations get `null`, which no mutation's input takes: a caller who passes the role check
// then gets 400, so nothing changes on the shared stack (read marks, for one).
async function callProcedure(name: string, type: string, caller: Caller): Promise<number> {
  const input = encodeURIComponent(JSON.stringify({ json: {} }));
  const res =
    type === 'query'
      ? await anonymousFetch(`${baseUrl()}/api/trpc/${name}?input=${input}`, { headers: credentials(caller) })
      : await anonymousFetch(`${baseUrl()}/api/trpc/${name}`, {
          method: 'POST',
          headers: { ...credentials(caller), 'content-type': 'application/json' },
          body: JSON.stringify({ json: null }),
        });
  await res.arrayBuffer();
  if (type === 'mutation' && res.status === 200) throw new Error(`${name} took a null input and changed something`);
  return res.status;
}

// ---- REST: every route file and exported method, path parameters filled with placeholders ----

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const PLACEHOLDERS: Record<string, string> = {
  name: 'matrix-missing',
  runId: randomUUID(),
  id: randomUUID(),
  version: '1',
  nodeId: 'missing',
  port: 'missing',
  schedule: 'missing',
  action: 'pause',
  alias: 'staging',
  '...all': 'get-session',
};

function routeFiles(dir = path.resolve('app/api')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(full) : e.name === 'route.ts' ? [full] : [];
  });
}

const routeMethods = (
  await Promise.all(
    routeFiles().map(async (file) => {
      const pattern = '/' + path.relative(path.resolve('app'), path.dirname(file)).split(path.sep).join('/');
      // The tRPC route is covered procedure by procedure above.
      if (pattern === '/api/trpc/[trpc]') return [];
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const url = pattern.replace(/\[([^\]]+)\]/g, (_m, p: string) => encodeURIComponent(PLACEHOLDERS[p] ?? 'missing'));
      return HTTP_METHODS.filter((m) => m in mod).map((method) => ({ method, pattern, url, access: declaredAccess(mod[method])! }));
    }),
  )
).flat();

// Changes get a `null` body, which no route takes, on resources that do not exist: nothing changes.
async function callRoute(method: string, url: string, caller: Caller): Promise<number> {
  const withBody = method !== 'GET' && method !== 'DELETE';
  const res = await anonymousFetch(`${baseUrl()}${url}`, {
    method,
    headers: { ...credentials(caller), ...(withBody ? { 'content-type': 'application/json' } : {}) },
    body: withBody ? 'null' : undefined,
  });
  await res.arrayBuffer();
  return res.status;
}

const kind = (a: RouteAccess) => ('role' in a ? 'role' : 'public' in a ? 'public' : 'predict' in a ? 'predict' : 'hook');

describe('the access matrix', () => {
  it('covers every procedure and every route', () => {
    expect(procedures.length).toBeGreaterThan(50);
    expect(routeMethods.length).toBeGreaterThan(55);
    expect(routeMethods.every((r) => r.access)).toBe(true);
  });

  it.each(procedures.map((p) => [p.name, p] as const))('tRPC %s', async (_name, p) => {
    const got: Record<string, unknown> = {};
    const want: Record<string, unknown> = {};
    for (const caller of CALLERS) {
      got[caller] = verdict(await callProcedure(p.name, p.type, caller));
      want[caller] = expected(caller, p.role);
    }
    expect(got, `${p.type} ${p.name} needs ${p.role}`).toEqual(want);
  });

  it.each(routeMethods.map((r) => [`${r.method} ${r.pattern}`, r] as const))('REST %s', async (_name, r) => {
    const got: Record<string, unknown> = {};
    const want: Record<string, unknown> = {};
    for (const caller of CALLERS) {
      got[caller] = verdict(await callRoute(r.method, r.url, caller));
      const a = r.access;
      want[caller] =
        'role' in a
          ? expected(caller, a.role)
          : 'public' in a
            ? 'through'
            : 'predict' in a
              ? // A missing endpoint: 401 without a token (nothing told about it), else through (404).
                caller === 'anonymous'
                ? 401
                : 'through'
              : // A webhook trigger takes only its own token: an API token of any role does not open it.
                401;
    }
    expect(got, `${r.method} ${r.pattern} (${kind(r.access)})`).toEqual(want);
  });
});

// ---- Real resources: the holes a read-only user must not get through, spoofed actors, predict access ----

const PIPELINE = 'access-matrix';
const ENDPOINT = 'access-matrix';
let runId: string;

beforeAll(async () => {
  const example = JSON.parse(fs.readFileSync(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  const doc = { ...example, name: PIPELINE, nodes: example.nodes.map((n: { id: string; params: object }) => (n.id === 'ship' ? { ...n, params: { ...n.params, endpoint: ENDPOINT } } : n)) };
  const saved = await http('PUT', `/api/v1/pipelines/${PIPELINE}`, doc, {}, { as: 'editor' });
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
  // A deployer's run: only that promotes to production (an editor's run would leave no endpoint).
  const started = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, {}, {}, { as: 'deployer' });
  expect(started.status, JSON.stringify(started.data)).toBe(202);
  runId = started.data.runId;
  const run = await waitForRun(runId);
  expect(run.status, JSON.stringify(run)).toBe('succeeded');
}, 300_000);

const trpcPost = (name: string, input: unknown, caller: Caller, extra: Record<string, string> = {}) =>
  anonymousFetch(`${baseUrl()}/api/trpc/${name}`, {
    method: 'POST',
    headers: { ...credentials(caller), 'content-type': 'application/json', ...extra },
    body: JSON.stringify({ json: input }),
  });

describe('a viewer token cannot start or change work', () => {
  it('is refused runs.start, run resume, schedule trigger and backfill, trigger create and rotate (tRPC and REST)', async () => {
    const schedule = await http('POST', `/api/v1/pipelines/${PIPELINE}/schedules`, { name: 'nightly', spec: { kind: 'interval', everySeconds: 86_400 }, paused: true }, {}, { as: 'editor' });
    expect(schedule.status, JSON.stringify(schedule.data)).toBe(201);
    const trigger = await http('POST', `/api/v1/pipelines/${PIPELINE}/triggers`, { kind: 'webhook' }, {}, { as: 'editor' });
    expect(trigger.status, JSON.stringify(trigger.data)).toBe(201);
    const triggerId = trigger.data.id as string;

    const refusals: [string, Response | { status: number }][] = [
      ['tRPC runs.start', await trpcPost('runs.start', { pipeline: PIPELINE }, 'viewer')],
      ['tRPC runs.resume', await trpcPost('runs.resume', { runId }, 'viewer')],
      ['tRPC schedules.trigger', await trpcPost('schedules.trigger', { pipeline: PIPELINE, name: 'nightly' }, 'viewer')],
      ['tRPC schedules.backfill', await trpcPost('schedules.backfill', { pipeline: PIPELINE, name: 'nightly', range: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } }, 'viewer')],
      ['tRPC triggers.create', await trpcPost('triggers.create', { pipeline: PIPELINE, trigger: { kind: 'webhook' } }, 'viewer')],
      ['tRPC triggers.rotateToken', await trpcPost('triggers.rotateToken', { id: triggerId }, 'viewer')],
      ['REST start', await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, {}, {}, { as: 'viewer' })],
      ['REST resume', await http('POST', `/api/v1/runs/${runId}/resume`, {}, {}, { as: 'viewer' })],
      ['REST schedule trigger', await http('POST', `/api/v1/pipelines/${PIPELINE}/schedules/nightly/trigger`, {}, {}, { as: 'viewer' })],
      ['REST schedule backfill', await http('POST', `/api/v1/pipelines/${PIPELINE}/schedules/nightly/backfill`, { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, {}, { as: 'viewer' })],
      ['REST trigger create', await http('POST', `/api/v1/pipelines/${PIPELINE}/triggers`, { kind: 'webhook' }, {}, { as: 'viewer' })],
      ['REST trigger rotate', await http('POST', `/api/v1/triggers/${triggerId}/rotate`, {}, {}, { as: 'viewer' })],
    ];
    expect(Object.fromEntries(refusals.map(([what, res]) => [what, res.status]))).toEqual(Object.fromEntries(refusals.map(([what]) => [what, 403])));
    // Nothing was started: the pipeline still has its one run.
    expect((await http('GET', `/api/v1/pipelines/${PIPELINE}/runs`)).data.runs).toHaveLength(1);
  });

  it('records the caller as the actor, whatever X-Millrace-User says', async () => {
    const created = await http(
      'POST',
      `/api/v1/pipelines/${PIPELINE}/schedules`,
      { name: 'spoofed', spec: { kind: 'interval', everySeconds: 86_400 }, paused: true },
      { 'x-millrace-user': 'admin' },
      { as: 'editor' },
    );
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    expect(created.data.createdBy).toMatch(/^token test editor \(mrt_/);
    const paused = await trpcPost('schedules.setPaused', { pipeline: PIPELINE, name: 'spoofed', paused: false }, 'editor', { 'x-millrace-user': 'admin' });
    expect(paused.status).toBe(200);
    expect((await http('GET', `/api/v1/pipelines/${PIPELINE}/schedules/spoofed`)).data.updatedBy).toMatch(/^token test editor \(mrt_/);
    expect((await http('DELETE', `/api/v1/pipelines/${PIPELINE}/schedules/spoofed`, undefined, {}, { as: 'editor' })).status).toBe(204);
  });
});

describe('predict access', () => {
  const rows = { rows: [penguin()] };
  const predictUrl = `/api/v1/endpoints/${ENDPOINT}/predict`;
  const setAccess = (access: string, caller: Caller = 'deployer') => http('PATCH', `/api/v1/endpoints/${ENDPOINT}`, { access }, {}, { as: caller });

  // The Next.js route handler, called in this process against the stack's Postgres and data folder: the web
  // server answers the path itself (the fast path), so this is how the route's own check is reached.
  let nextRoute: (req: Request, ctx: { params: Promise<{ name: string }> }) => Promise<Response>;
  beforeAll(async () => {
    nextRoute = (await import('../../app/api/v1/endpoints/[name]/predict/route')).POST as typeof nextRoute;
  });
  afterAll(async () => {
    await setAccess('token');
  });
  const viaNextRoute = async (caller: Caller) => {
    const req = new Request(`${baseUrl()}${predictUrl}`, {
      method: 'POST',
      headers: { host: new URL(baseUrl()).host, 'content-type': 'application/json', ...credentials(caller) },
      body: JSON.stringify(rows),
    });
    const res = await nextRoute(req, { params: Promise.resolve({ name: ENDPOINT }) });
    return { status: res.status, body: (await res.json()) as { error?: string; predictions?: unknown[] }, headers: res.headers };
  };

  it('takes only tokens by default: 401 without one on both paths, 200 with any role', async () => {
    expect((await http('GET', `/api/v1/endpoints/${ENDPOINT}`)).data.access).toBe('token');
    const fast = await http('POST', predictUrl, rows, {}, { as: 'anonymous' });
    expect(fast.status).toBe(401);
    expect(fast.headers.get('www-authenticate')).toBe('Bearer');
    expect(fast.data.error).toMatch(/needs an API token/);
    const route = await viaNextRoute('anonymous');
    expect(route.status).toBe(401);
    expect(route.body.error).toBe(fast.data.error);
    // A missing endpoint answers the same as a token-only one: names cannot be probed without a token.
    expect((await http('POST', '/api/v1/endpoints/no-such-endpoint/predict', rows, {}, { as: 'anonymous' })).data.error).toBe(fast.data.error);
    for (const caller of ROLES) expect((await http('POST', predictUrl, rows, {}, { as: caller })).status, caller).toBe(200);
    // A signed-in person's session works on the fast path too (the endpoint page's own origin).
    expect((await http('POST', predictUrl, rows, { cookie: inject('adminCookie') })).status).toBe(200);
    const viaRoute = await viaNextRoute('viewer');
    expect(viaRoute.status, JSON.stringify(viaRoute.body)).toBe(200);
    expect(viaRoute.body.predictions).toHaveLength(1);
    // A token that is not valid is refused even where none is needed.
    expect((await http('POST', predictUrl, rows, { authorization: 'Bearer mrt_not-a-token' })).status).toBe(401);
  });

  it('answers anyone once a deployer makes it public, and takes tokens again when switched back', async () => {
    const refused = await setAccess('public', 'editor');
    expect(refused.status).toBe(403);
    const opened = await setAccess('public');
    expect(opened.status, JSON.stringify(opened.data)).toBe(200);
    expect(opened.data).toEqual({ name: ENDPOINT, access: 'public', changed: true });
    expect((await http('GET', `/api/v1/endpoints/${ENDPOINT}`)).data.access).toBe('public');

    const fast = await http('POST', predictUrl, rows, {}, { as: 'anonymous' });
    expect(fast.status, JSON.stringify(fast.data)).toBe(200);
    expect(fast.data.predictions).toHaveLength(1);
    expect((await viaNextRoute('anonymous')).status).toBe(200);
    expect((await http('POST', predictUrl, rows, { authorization: 'Bearer mrt_not-a-token' })).status).toBe(401);

    // Through tRPC (the endpoint page's control), back to tokens.
    const closed = await trpcPost('endpoints.setAccess', { name: ENDPOINT, access: 'token' }, 'deployer');
    expect(closed.status).toBe(200);
    expect((await http('POST', predictUrl, rows, {}, { as: 'anonymous' })).status).toBe(401);
    expect((await viaNextRoute('anonymous')).status).toBe(401);
    expect((await setAccess('open')).status).toBe(400);
  });
});
