import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { http, waitForRun } from '../support/http';
import { penguin } from '../support/penguin-row';

// The prediction endpoint against the real stack: what it refuses, what it warns about, what it
// logs (and when), and that a blocked Postgres or a broken model never makes it hang or leak.

const MAX_BYTES = 10 * 1024 ** 2; // MILLRACE_MAX_PREDICT_BYTES default
const MAX_ROWS = 10_000; // MILLRACE_MAX_PREDICT_ROWS default
const LOG_MAX_BYTES = 64 * 1024; // MILLRACE_PREDICTION_LOG_MAX_BYTES default


const example = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
let sql: postgres.Sql;

async function post(endpoint: string, body: unknown, headers: Record<string, string> = {}) {
  const started = performance.now();
  const res = await http('POST', `/api/v1/endpoints/${endpoint}/predict`, body, headers);
  return { ...res, ms: performance.now() - started };
}

/** Polls until the check returns something truthy (or fails after timeoutMs). */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value && !(Array.isArray(value) && value.length === 0)) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A POST on a raw socket, so the test controls the headers and how much body is sent: the server may
 * answer and close before the body is done (writes then fail, and the answer is still read).
 */
function rawPost(path: string, headers: Record<string, string>, chunks: Buffer[]) {
  const url = new URL(inject('baseUrl'));
  return new Promise<{ status: number; headers: Record<string, string>; body: string; bytesSent: number }>((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    let bytesSent = 0;
    let failed = false;
    socket.on('data', (d) => received.push(d));
    socket.on('error', () => {
      failed = true; // EPIPE / ECONNRESET once the server has answered and closed
    });
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      if (!status) return reject(new Error(`no HTTP answer (socket error: ${failed}): ${text.slice(0, 200)}`));
      const hdrs = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      let body = rest.join('\r\n\r\n');
      if (hdrs['transfer-encoding'] === 'chunked') body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '').replace(/\r\n[0-9a-f]+\r\n/gi, '');
      resolve({ status, headers: hdrs, body, bytesSent });
    });
    socket.on('connect', async () => {
      // The endpoints take tokens: the admin's, as every other request here sends.
      const head = [`POST ${path} HTTP/1.1`, `host: ${url.host}`, 'content-type: application/json', `authorization: Bearer ${inject('tokens').admin}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${head.join('\r\n')}\r\n\r\n`);
      const chunked = headers['transfer-encoding'] === 'chunked';
      for (const c of chunks) {
        if (failed || socket.destroyed) break;
        const ok = socket.write(chunked ? Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]) : c);
        bytesSent += c.length;
        if (!ok) await new Promise((r) => { socket.once('drain', r); socket.once('close', r); });
      }
      if (!failed && !socket.destroyed && chunked) socket.write('0\r\n\r\n');
      // Without a complete body the server closes after answering; make sure the test cannot hang.
      setTimeout(() => socket.destroy(), 15_000).unref();
    });
  });
}

/** Holds ACCESS EXCLUSIVE locks on the tables in an open transaction until release() is called. */
async function lockTables(tables: string[]) {
  const conn = await sql.reserve();
  await conn`begin`;
  for (const t of tables) await conn.unsafe(`lock table ${t} in access exclusive mode`);
  return async () => {
    await conn`rollback`;
    conn.release();
  };
}

beforeAll(async () => {
  sql = postgres(inject('databaseUrl'), { max: 4, onnotice: () => {} });
  // The seeded pipeline deploys "penguins"; a second one deploys a different model as "broken-model".
  const broken = structuredClone(example);
  broken.name = 'broken-model';
  broken.nodes.find((n: any) => n.id === 'train').params.trees = 7;
  broken.nodes.find((n: any) => n.id === 'ship').params.endpoint = 'broken-model';
  expect((await http('PUT', '/api/v1/pipelines/broken-model', broken)).status).toBe(200);
  const runs = await Promise.all(
    ['penguin-species', 'broken-model'].map(async (p) => {
      const started = await http('POST', `/api/v1/pipelines/${p}/runs`);
      expect(started.status).toBe(202);
      return waitForRun(started.data.runId);
    }),
  );
  for (const run of runs) expect(run.status, JSON.stringify(run)).toBe('succeeded');
});

afterAll(async () => {
  await sql?.end();
});

describe('predict refuses what would hurt the server', () => {
  it('requires application/json and says what to send', async () => {
    const body = JSON.stringify({ rows: [penguin()] });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post('penguins', body, { 'content-type': type });
      expect(res.status, type).toBe(415);
      expect(res.data.error).toContain('application/json');
    }
    const ok = await post('penguins', body, { 'content-type': 'application/json; charset=utf-8' });
    expect(ok.status).toBe(200);
  });

  it('refuses a body over the byte limit, declared or streamed', async () => {
    // Declared: the headers alone are refused; the body is never sent.
    const declared = await rawPost('/api/v1/endpoints/penguins/predict', { 'content-length': String(MAX_BYTES + 1) }, []);
    expect(declared.status).toBe(413);
    expect(declared.body).toMatch(/larger than 10 MiB/);
    expect(declared.headers['x-request-id']).toBeTruthy();

    // Streamed without a length: cut off once it passes the limit, not read to the end.
    const mib = Buffer.alloc(1024 * 1024, 'x');
    const chunks = [Buffer.from('{"rows":[{"pad":"'), ...Array.from({ length: 40 }, () => mib)];
    const streamed = await rawPost('/api/v1/endpoints/penguins/predict', { 'transfer-encoding': 'chunked' }, chunks);
    expect(streamed.status).toBe(413);
    expect(streamed.body).toMatch(/larger than 10 MiB/);
    expect(streamed.bytesSent).toBeLessThan(40 * 1024 * 1024);

    // The server is fine for the next caller.
    expect((await post('penguins', { rows: [penguin()] })).status).toBe(200);
  });

  it('refuses more rows than the row limit, saying the limit', async () => {
    const rows = Array.from({ length: MAX_ROWS + 1 }, () => penguin());
    const res = await post('penguins', { rows });
    expect(res.status).toBe(413);
    expect(res.data.error).toContain(`At most ${MAX_ROWS} rows`);
  });

  it('refuses numbers outside float32 range, naming the row and feature', async () => {
    const res = await post('penguins', { rows: [penguin(), penguin({ 'Beak Length (mm)': 1e300 }), penguin({ 'Body Mass (g)': '-1e39' })] });
    expect(res.status).toBe(400);
    expect(res.data.error).toContain('row 1: feature "Beak Length (mm)"');
    expect(res.data.error).toContain('row 2: feature "Body Mass (g)"');
    expect(res.data.error).toMatch(/float32/);
    expect(res.data.issues).toContainEqual(expect.objectContaining({ row: 1, feature: 'Beak Length (mm)' }));
    const edge = await post('penguins', { rows: [penguin({ 'Body Mass (g)': 3.4028234663852886e38 })] });
    expect(edge.status).toBe(200);
  });
});

describe('predict reports what the model has not seen', () => {
  it('scores an unknown category and lists it in warnings by row and feature', async () => {
    const res = await post('penguins', { rows: [penguin(), penguin({ Sex: null }), penguin({ Island: 'Atlantis' })] });
    expect(res.status).toBe(200);
    expect(res.data.predictions).toHaveLength(3);
    expect(res.data.warnings).toEqual([
      { row: 2, feature: 'Island', message: expect.stringContaining('unknown category "Atlantis"') },
    ]);
    expect(res.data.warnings[0].message).toContain('"Biscoe"');
    const clean = await post('penguins', { rows: [penguin()] });
    expect(clean.data.warnings).toEqual([]);
  });
});

describe('prediction logging', () => {
  it('writes the log shortly after the answer, off the request path', async () => {
    const marker = 4321.25;
    const res = await post('penguins', { rows: [penguin({ 'Body Mass (g)': marker })] });
    expect(res.status).toBe(200);
    const [row] = await eventually(
      () => sql`select inputs, outputs, row_count, truncated from prediction_logs where inputs @> ${sql.json([{ 'Body Mass (g)': marker }])}`,
      5000,
    );
    expect(row!.row_count).toBe(1);
    expect(row!.truncated).toBe(false);
    expect(row!.inputs).toEqual([penguin({ 'Body Mass (g)': marker })]);
    expect(row!.outputs.predictions).toEqual(res.data.predictions);
  });

  it('logs only feature values: a 10 MB extra key never reaches Postgres', async () => {
    const size = async () => (await sql`select pg_total_relation_size('prediction_logs')::bigint as n`)[0]!.n as string;
    const count = async () => (await sql`select count(*)::int as n from prediction_logs`)[0]!.n as number;
    const before = await count();
    const sizeBefore = Number(await size());
    const junk = 'x'.repeat(10_000_000);
    for (let i = 0; i < 3; i++) {
      const res = await post('penguins', { rows: [penguin({ 'Body Mass (g)': 5000 + i, junk })] });
      expect(res.status).toBe(200);
    }
    await eventually(async () => (await count()) >= before + 3, 5000);
    expect(Number(await size()) - sizeBefore).toBeLessThan(1024 * 1024);
    const logged = await sql`select inputs from prediction_logs order by id desc limit 3`;
    for (const r of logged) expect(Object.keys(r.inputs[0]).sort()).toEqual(Object.keys(penguin()).sort());
  });

  it('caps the bytes logged per request and keeps the row count', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => penguin({ 'Body Mass (g)': 3000 + i / 10, Island: 'Dream' }));
    rows[0]!['Beak Depth (mm)'] = 17.125;
    const res = await post('penguins', { rows });
    expect(res.status).toBe(200);
    const [row] = await eventually(
      () => sql`select row_count, truncated, jsonb_array_length(inputs) as kept, length(inputs::text) + length(outputs::text) as chars
                from prediction_logs where row_count = 3000 and inputs @> ${sql.json([{ 'Beak Depth (mm)': 17.125 }])}`,
      5000,
    );
    expect(row!.truncated).toBe(true);
    expect(row!.kept).toBeGreaterThan(0);
    expect(row!.kept).toBeLessThan(3000);
    expect(row!.chars).toBeLessThan(LOG_MAX_BYTES * 1.2);
  });
});

describe('prediction log retention', () => {
  it('prunes logs older than the retention and keeps recent ones', async () => {
    // prune() runs hourly in the web app; here it is called directly against the same database.
    process.env.DATABASE_URL = inject('databaseUrl');
    const { predictionLog } = await import('../../server/services/prediction-log');
    const { closeDb } = await import('../../db/client');
    try {
      const [latest] = await sql`select endpoint_id, model_version_id from prediction_logs order by id desc limit 1`;
      const insert = (daysAgo: number) => sql`
        insert into prediction_logs (endpoint_id, model_version_id, inputs, outputs, row_count, latency_ms, created_at)
        values (${latest!.endpoint_id}, ${latest!.model_version_id}, '[]', '{"predictions": []}', 0, 0, now() - make_interval(days => ${daysAgo}))
        returning id`;
      const [old] = await insert(45);
      const [recent] = await insert(5);
      expect(await predictionLog().prune(30)).toBeGreaterThanOrEqual(1);
      const left = await sql`select id from prediction_logs where id in (${old!.id}, ${recent!.id})`;
      expect(left.map((r) => r.id)).toEqual([recent!.id]);
      expect(await predictionLog().prune(0)).toBe(0); // 0 days = keep forever
    } finally {
      await closeDb();
    }
  });
});

describe('predict while Postgres is blocked', () => {
  it('answers fast while prediction_logs is locked, and writes the logs once it is released', async () => {
    const release = await lockTables(['prediction_logs']);
    const marker = 3999.75;
    try {
      for (let i = 0; i < 5; i++) {
        const res = await post('penguins', { rows: [penguin({ 'Body Mass (g)': marker })] });
        expect(res.status).toBe(200);
        expect(res.ms).toBeLessThan(2000);
      }
    } finally {
      await release();
    }
    await eventually(async () => {
      const [r] = await sql`select count(*)::int as n from prediction_logs where inputs @> ${sql.json([{ 'Body Mass (g)': marker }])}`;
      return r!.n === 5;
    });
  });

  it('serves the cached model version while endpoints and model_versions are locked; a new endpoint gets a fast 503', async () => {
    expect((await post('penguins', { rows: [penguin()] })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500)); // let the cached resolution go stale, so predict tries the database
    const release = await lockTables(['endpoints', 'model_versions']);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await post('penguins', { rows: [penguin()] });
        expect(res.status).toBe(200);
        expect(res.data.predictions).toEqual(['Gentoo']);
        expect(res.ms).toBeLessThan(2000);
      }
      const unknown = await post('never-seen-endpoint', { rows: [penguin()] });
      expect(unknown.status).toBe(503);
      expect(unknown.ms).toBeLessThan(4000);
    } finally {
      await release();
    }
    expect((await post('never-seen-endpoint', { rows: [penguin()] })).status).toBe(404);
  });
});

describe('internal errors', () => {
  it('answer 500 with a request id and no internal message or path', async () => {
    const [v] = await sql`select v.artifact_hash from endpoints e join model_versions v on v.id = e.model_version_id where e.name = 'broken-model'`;
    const hash = v!.artifact_hash as string;
    await fs.rm(path.join(inject('dataDir'), 'artifacts', hash.slice(0, 2), hash));
    const res = await post('broken-model', { rows: [penguin()] });
    expect(res.status).toBe(500);
    expect(res.data).toEqual({ error: 'Internal error', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(res.headers.get('x-request-id')).toBe(res.data.requestId);
    const text = JSON.stringify(res.data);
    expect(text).not.toContain(inject('dataDir'));
    expect(text).not.toContain(hash.slice(0, 12));
    // The server console (the stack log) has the real error under the same id.
    const line = await eventually(async () => {
      const log = await fs.readFile(path.resolve('test-results/stack.log'), 'utf8');
      return log.split('\n').find((l) => l.includes(`request ${res.data.requestId} failed`));
    }, 5000);
    expect(line).toContain('is missing from the store');
  });

  it('every REST answer carries a request id', async () => {
    for (const p of ['/api/v1/endpoints/penguins', '/api/v1/endpoints/nope', '/api/v1/openapi.json', '/api/v1/catalog', '/api/health']) {
      const res = await http('GET', p);
      expect(res.headers.get('x-request-id'), p).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
