// Endpoint metrics from known traffic: good and refused requests to production and staging, then
// GET /api/v1/endpoints/{name}/metrics must count them per slot, with the error rate, the rows, the
// latency percentiles of what was logged (computed here independently) and the predicted classes.
import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { credentials, http, waitForRun } from '../support/http';
import { penguin } from '../support/penguin-row';

const ENDPOINT = 'metered';
const PIPELINE = 'metered-species';
let sql: postgres.Sql;

async function deploy(slot: 'production' | 'staging', options: Record<string, unknown> = {}) {
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = PIPELINE;
  doc.nodes.find((n: { id: string }) => n.id === 'ship').params = { endpoint: ENDPOINT, slot, ...options };
  expect((await http('PUT', `/api/v1/pipelines/${PIPELINE}`, doc)).status).toBe(200);
  const started = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, { ignoreCache: true });
  const run = await waitForRun(started.data.runId);
  expect(run.status, JSON.stringify(run)).toBe('succeeded');
}

/** Linear interpolation between closest ranks, as Postgres's percentile_cont. */
function percentile(sorted: number[], q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (at - lo);
}

/** Polls the metrics until the background log has written what was sent (no timing asserted). */
async function metricsOnce(expected: (m: any) => boolean, query = '') {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await http('GET', `/api/v1/endpoints/${ENDPOINT}/metrics${query}`);
    expect(res.status, JSON.stringify(res.data)).toBe(200);
    if (expected(res.data) || Date.now() > deadline) return res.data;
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(() => {
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
});
afterAll(() => sql?.end());

describe.sequential('endpoint metrics', () => {
  it('shows no slots before any traffic, and refuses an unknown window, parameter or endpoint', async () => {
    await deploy('production');
    await deploy('staging');
    const empty = await http('GET', `/api/v1/endpoints/${ENDPOINT}/metrics`);
    expect(empty.status).toBe(200);
    expect(empty.data).toMatchObject({ endpoint: ENDPOINT, window: 'hour', bucketSeconds: 60, slots: [] });
    const badWindow = await http('GET', `/api/v1/endpoints/${ENDPOINT}/metrics?window=year`);
    expect(badWindow.status).toBe(400);
    expect(badWindow.data.issues).toEqual([{ path: 'window', message: 'window: "hour", "day" or "week"' }]);
    expect((await http('GET', `/api/v1/endpoints/${ENDPOINT}/metrics?slot=staging`)).data.error).toMatch(/Unknown query parameter "slot"; known: window/);
    expect((await http('GET', `/api/v1/endpoints/no-such-endpoint/metrics`)).status).toBe(404);
  });

  it('counts requests, refused requests, rows, latency percentiles and predicted classes per slot', async () => {
    const predicted: string[] = [];
    const send = async (rows: unknown[], query = '') => {
      const res = await http('POST', `/api/v1/endpoints/${ENDPOINT}/predict${query}`, { rows });
      expect(res.status, JSON.stringify(res.data)).toBe(200);
      if (!query) predicted.push(...res.data.predictions);
    };
    for (let i = 0; i < 6; i++) await send([penguin({ 'Body Mass (g)': 3000 + 300 * i, 'Flipper Length (mm)': 180 + 8 * i })]);
    for (let i = 0; i < 2; i++) await send([penguin(), penguin({ Island: 'Dream', 'Beak Length (mm)': 39 }), penguin({ Island: 'Torgersen', 'Flipper Length (mm)': 185 })]);
    await send([penguin()], '?slot=staging');
    await send([penguin()], '?slot=staging');
    // Refused: a feature missing, a value of the wrong type, a body that is not JSON.
    const { Sex: _sex, ...noSex } = penguin();
    expect((await http('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, { rows: [noSex] })).status).toBe(400);
    expect((await http('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, { rows: [penguin({ 'Body Mass (g)': 'heavy' })] })).status).toBe(400);
    expect((await http('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, '{"rows": [', { 'content-type': 'application/json' })).status).toBe(400);

    const m = await metricsOnce((d) => d.slots[0]?.requests === 11 && d.slots[1]?.requests === 2);
    const [production, staging] = m.slots;
    expect(m.slots.map((s: { slot: string }) => s.slot)).toEqual(['production', 'staging']);
    expect(production).toMatchObject({ requests: 11, errors: 3, rows: 12 });
    expect(production.errorRate).toBeCloseTo(3 / 11, 12);
    expect(staging).toMatchObject({ requests: 2, errors: 0, errorRate: 0, rows: 2 });
    expect(production.timeline.reduce((s: number, p: { requests: number }) => s + p.requests, 0)).toBe(11);
    expect(production.timeline.reduce((s: number, p: { errors: number }) => s + p.errors, 0)).toBe(3);

    const endpointId = (await sql`select id from endpoints where name = ${ENDPOINT}`)[0]!.id;
    const logged = await sql`select latency_ms, status, error from prediction_logs where endpoint_id = ${endpointId} and slot = 'production' and not shadow`;
    const latencies = logged.map((r) => Number(r.latency_ms)).sort((a, b) => a - b);
    for (const [k, q] of [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]] as const) expect(production.latencyMs[k]).toBeCloseTo(percentile(latencies, q), 9);
    const errors = logged.filter((r) => r.status === 400).map((r) => String(r.error));
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/feature "Sex": missing/), expect.stringMatching(/feature "Body Mass \(g\)": expected a number/), expect.stringMatching(/not valid JSON/)]));

    expect(production.predictions.kind).toBe('classes');
    const totals: Record<string, number> = {};
    for (const p of production.predictions.points) for (const [c, n] of Object.entries(p.counts as Record<string, number>)) totals[c] = (totals[c] ?? 0) + n;
    const expected: Record<string, number> = {};
    for (const p of predicted) expected[p] = (expected[p] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(totals).filter(([, n]) => n > 0))).toEqual(expected);

    const day = await metricsOnce(() => true, '?window=day');
    expect(day).toMatchObject({ window: 'day', bucketSeconds: 900 });
    expect(day.slots[0]).toMatchObject({ requests: 11, errors: 3, rows: 12 });
  });

  it('the Next.js route’s path (npm run dev) logs a refused request as the fast path does', async () => {
    // Called in this process: its own prediction log writes the record to the stack's Postgres.
    process.env.DATABASE_URL = inject('databaseUrl');
    const { answerPredict } = await import('../../server/rest/predict-request');
    const req = new Request(`${inject('baseUrl')}/api/v1/endpoints/${ENDPOINT}/predict`, {
      method: 'POST',
      // As a browser or curl sends it; the request guard checks it.
      headers: { host: new URL(inject('baseUrl')).host, 'content-type': 'application/json', 'x-request-id': 'next-path-refused', ...credentials() },
      body: JSON.stringify({ rows: [{}] }),
    });
    const res = await answerPredict(req, ENDPOINT);
    expect(res.status).toBe(400);
    const deadline = Date.now() + 30_000;
    let logged = await sql`select status, error, row_count from prediction_logs where request_id = 'next-path-refused'`;
    while (!logged.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      logged = await sql`select status, error, row_count from prediction_logs where request_id = 'next-path-refused'`;
    }
    expect(logged.map((r) => ({ ...r }))).toEqual([{ status: 400, error: expect.stringMatching(/feature "Island": missing/), row_count: 0 }]);
    const m = await metricsOnce((d) => d.slots[0]?.errors === 4);
    expect(m.slots[0]).toMatchObject({ requests: 12, errors: 4, rows: 12 });
  });

  it('counts a shadow challenger’s scoring of production’s requests as a series of its own', async () => {
    await deploy('staging', { challenger: 'shadow' });
    for (let i = 0; i < 3; i++) {
      const res = await http('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, { rows: [penguin(), penguin({ Island: 'Dream' })] });
      expect(res.status).toBe(200);
      expect(res.data.slot, 'production answers').toBeUndefined();
    }
    const m = await metricsOnce((d) => d.slots[2]?.requests === 3 && d.slots[0]?.requests === 15);
    expect(m.slots.map((s: { slot: string }) => s.slot)).toEqual(['production', 'staging', 'shadow']);
    expect(m.slots[0]).toMatchObject({ requests: 15, errors: 4, rows: 18 });
    expect(m.slots[1]).toMatchObject({ requests: 2, errors: 0 });
    expect(m.slots[2]).toMatchObject({ slot: 'shadow', requests: 3, errors: 0, rows: 6 });
    expect(m.slots[2].predictions.kind).toBe('classes');
  });
});
