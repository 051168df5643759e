import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { http, waitForRun } from '../support/http';
import { inDefaultWorkspace } from '../support/workspaces';
import { penguin } from '../support/penguin-row';

// Serving against the real stack: a promotion made elsewhere (here: this test process, through Postgres)
// is what the very next request gets; every request is logged in batches with its request id and
// latency; feedback attaches true labels to logged predictions by request id.


let sql: postgres.Sql;
let registry: typeof import('../../server/infra/model-registry');
let changes: typeof import('../../server/infra/endpoint-changes');
/** Model version ids of the two pipelines' models. */
const versions: Record<'a' | 'b', string> = { a: '', b: '' };

async function predict(endpoint: string, rows: unknown[], headers: Record<string, string> = {}) {
  return http('POST', `/api/v1/endpoints/${endpoint}/predict`, { rows }, headers);
}

async function feedback(endpoint: string, body: unknown) {
  return http('POST', `/api/v1/endpoints/${endpoint}/feedback`, body);
}

/** Polls until the check returns something truthy (or fails after timeoutMs). */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  process.env.DATABASE_URL = inject('databaseUrl');
  registry = await inDefaultWorkspace(await import('../../server/infra/model-registry'));
  // This process promotes as a web process does: listening for endpoint changes, so a promotion
  // returns once every listening process (the web app's too) has acked it.
  changes = await import('../../server/infra/endpoint-changes');
  changes.endpointChanges()!.subscribe(() => {});
  sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
  // Two pipelines, two different models: "serving-a" deploys to endpoint "serving", "serving-b" to "serving-b".
  const example = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  for (const [key, trees, endpoint] of [['a', 20, 'serving'], ['b', 7, 'serving-b']] as const) {
    const doc = structuredClone(example);
    doc.name = `serving-${key}`;
    doc.nodes.find((n: any) => n.id === 'train').params.trees = trees;
    doc.nodes.find((n: any) => n.id === 'ship').params.endpoint = endpoint;
    expect((await http('PUT', `/api/v1/pipelines/${doc.name}`, doc)).status).toBe(200);
    // Its own fit (not one cached from another test file's pipeline), so the model is named after it.
    const started = await http('POST', `/api/v1/pipelines/${doc.name}/runs`, { ignoreCache: true });
    expect(started.status).toBe(202);
    const run = await waitForRun(started.data.runId);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const [served] = await sql<{ id: string }[]>`select model_version_id as id from endpoints where name = ${endpoint}`;
    versions[key] = served!.id;
  }
});

afterAll(async () => {
  await changes?.endpointChanges()?.stop();
  await sql?.end();
  const { closeDb } = await import('../../db/client');
  await closeDb();
});

describe('promotion', () => {
  it('is what the next request gets, with no wait in between', async () => {
    await eventually(async () => changes.endpointChanges()!.live());
    const first = await predict('serving', [penguin()]);
    expect(first.status).toBe(200);
    expect(first.data.model).toBe('serving-a.train');
    // Each promotion commits in this process; the web app hears of it from Postgres only.
    for (let i = 0; i < 4; i++) {
      await registry.promoteToEndpoint('serving', versions.b, { actor: 'serving test' });
      const b = await predict('serving', [penguin()]);
      expect(b.status).toBe(200);
      expect(b.data.model, `flip ${i} to b`).toBe('serving-b.train');
      await registry.promoteToEndpoint('serving', versions.a, { actor: 'serving test' });
      const a = await predict('serving', [penguin()]);
      expect(a.data.model, `flip ${i} back to a`).toBe('serving-a.train');
    }
  });
});

describe('request ids and the prediction log', () => {
  it('answers with the caller\'s X-Request-Id, or one of its own, in the header and the body', async () => {
    const given = await predict('serving', [penguin()], { 'x-request-id': 'order-17/attempt-1' });
    expect(given.status).toBe(200);
    expect(given.headers.get('x-request-id')).toBe('order-17/attempt-1');
    expect(given.data.requestId).toBe('order-17/attempt-1');
    const made = await predict('serving', [penguin()]);
    expect(made.data.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers.get('x-request-id')).toBe(made.data.requestId);
  });

  it('refuses an X-Request-Id that is not 1 to 200 visible characters', async () => {
    for (const bad of ['has space', 'x'.repeat(201)]) {
      const res = await predict('serving', [penguin()], { 'x-request-id': bad });
      expect(res.status, bad).toBe(400);
      expect(res.data.error).toContain('X-Request-Id');
    }
  });

  it('logs every request in batches with its request id, model version and latency', async () => {
    const tag = `batch-${Date.now()}`;
    const ids = Array.from({ length: 30 }, (_, i) => `${tag}-${i}`);
    const answers = await Promise.all(ids.map((id, i) => predict('serving', [penguin({ 'Body Mass (g)': 4000 + i })], { 'x-request-id': id })));
    for (const a of answers) expect(a.status).toBe(200);
    const rows = await eventually(async () => {
      const r = await sql<{ request_id: string; latency_ms: number; model_version_id: string; inputs: any; outputs: any; tx: string }[]>`
        select request_id, latency_ms, model_version_id, inputs, outputs, xmin::text as tx
        from prediction_logs where request_id = any(${ids})`;
      return r.length === ids.length ? r : undefined;
    });
    for (const row of rows) {
      const i = ids.indexOf(row.request_id);
      expect(row.model_version_id).toBe(versions.a);
      expect(row.inputs).toEqual([penguin({ 'Body Mass (g)': 4000 + i })]);
      expect(row.outputs.predictions).toEqual(answers[i]!.data.predictions);
      expect(row.latency_ms).toBeGreaterThan(0);
    }
    // Rows inserted by one statement share a transaction id: 30 requests, fewer inserts.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(ids.length);
  });

  it('/api/health shows the log queue and its drops', async () => {
    const res = await http('GET', '/api/health');
    expect(res.data.predictionLog).toEqual({ queued: expect.any(Number), queuedBytes: expect.any(Number), dropped: 0 });
  });
});

describe('feedback', () => {
  it('attaches labels to logged predictions by request id and row, idempotently', async () => {
    const tag = `fb-${Date.now()}`;
    const one = await predict('serving', [penguin()], { 'x-request-id': `${tag}-one` });
    const three = await predict('serving', [penguin(), penguin({ Island: 'Dream', 'Body Mass (g)': 3500, 'Flipper Length (mm)': 190 }), penguin()], {
      'x-request-id': `${tag}-three`,
    });
    expect([one.status, three.status]).toEqual([200, 200]);
    // Sent at once: the predictions may still be queued for the log; feedback waits for them.
    const body = [
      { requestId: `${tag}-one`, label: 'Gentoo' },
      { requestId: `${tag}-three`, row: 1, label: 'Chinstrap' },
    ];
    const first = await feedback('serving', body);
    expect(first.status, JSON.stringify(first.data)).toBe(200);
    expect(first.data).toEqual({ stored: 2, unchanged: 0, notFound: [], rowsOutOfRange: [] });

    const stamps = async () =>
      sql<{ request_id: string; row: number; label: unknown; updated_at: Date }[]>`
        select f.request_id, f.row, f.label, f.updated_at from prediction_feedback f
        join endpoints e on e.id = f.endpoint_id where e.name = 'serving' and f.request_id like ${tag + '%'} order by f.request_id`;
    const before = await stamps();
    const again = await feedback('serving', body);
    expect(again.data).toEqual({ stored: 0, unchanged: 2, notFound: [], rowsOutOfRange: [] });
    expect(await stamps()).toEqual(before);

    // A single object works too; a new label replaces the old one.
    const changed = await feedback('serving', { requestId: `${tag}-three`, row: 1, label: 'Adelie' });
    expect(changed.data).toEqual({ stored: 1, unchanged: 0, notFound: [], rowsOutOfRange: [] });

    // What monitoring joins: the logged prediction of each row next to its true label.
    const joined = await sql<{ request_id: string; predicted: string; label: string }[]>`
      select f.request_id, l.outputs->'predictions'->>f.row as predicted, f.label #>> '{}' as label
      from prediction_feedback f join prediction_logs l on l.endpoint_id = f.endpoint_id and l.request_id = f.request_id
      where f.request_id like ${tag + '%'} order by f.request_id`;
    expect(joined).toEqual([
      { request_id: `${tag}-one`, predicted: one.data.predictions[0], label: 'Gentoo' },
      { request_id: `${tag}-three`, predicted: three.data.predictions[1], label: 'Adelie' },
    ]);
  });

  it('lists request ids it cannot find and rows a request did not have, and stores the rest', async () => {
    const tag = `fb-miss-${Date.now()}`;
    expect((await predict('serving', [penguin()], { 'x-request-id': tag })).status).toBe(200);
    const res = await feedback('serving', [
      { requestId: tag, label: 'Gentoo' },
      { requestId: `${tag}-never-sent`, label: 'Adelie' },
      { requestId: tag, row: 5, label: 'Adelie' },
    ]);
    expect(res.status).toBe(422);
    expect(res.data).toMatchObject({ stored: 1, unchanged: 0, notFound: [`${tag}-never-sent`], rowsOutOfRange: [{ requestId: tag, row: 5, rowCount: 1 }] });
    expect(res.data.error).toContain(`"${tag}-never-sent"`);
    // A request id logged on another endpoint is not found on this one.
    const other = await feedback('serving-b', { requestId: tag, label: 'Gentoo' });
    expect(other.status).toBe(422);
    expect(other.data.notFound).toEqual([tag]);
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from prediction_feedback where request_id like ${tag + '%'}`;
    expect(n).toBe(1);
  });

  it('is in the OpenAPI document, next to predict\'s X-Request-Id', async () => {
    const { data } = await http('GET', '/api/v1/openapi.json');
    const post = data.paths['/api/v1/endpoints/{name}/feedback'].post;
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '422']));
    expect(data.paths['/api/v1/endpoints/{name}/predict'].post.parameters).toContainEqual(expect.objectContaining({ name: 'X-Request-Id', in: 'header' }));
  });

  it('answers 404 for an unknown endpoint and 400 for a malformed body', async () => {
    const unknown = await feedback('no-such-endpoint', { requestId: 'x', label: 'Gentoo' });
    expect(unknown.status).toBe(404);
    expect(unknown.data.error).toContain('Endpoint "no-such-endpoint"');
    for (const bad of [{ requestId: 'x' }, { requestId: 'x', label: { nested: true } }, [], { requestId: 'has space', label: 'a' }, { requestId: 'x', label: 'a', extra: 1 }]) {
      const res = await feedback('serving', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.data.error).toBeTruthy();
    }
  });
});
