import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http as api, waitForRun } from '../support/http';
import { until } from '../support/wait';

// The runs list and comparison over REST, and notifications: in-app, and webhooks delivered by the
// worker from the outbox to a local receiver (127.0.0.1 is allow-listed in the test stack), with retries.

const csv = ['id,note', '1,say hi', '2,plain', ''].join('\n');

function pipeline(name: string, sql: string) {
  return {
    apiVersion: 'millrace/v1',
    name,
    nodes: [
      { id: 'load', type: 'ingest.dataset', params: { dataset: 'ops-notes' } },
      { id: 'q', type: 'prepare.sql', params: { sql } },
    ],
    edges: [{ from: 'load.table', to: 'q.input' }],
  };
}

interface Received {
  path: string;
  body: any;
}
const received: Received[] = [];
const flakyAnswers = new Map<string, number>();
let receiver: http.Server;
let base: string;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text);
      received.push({ path: req.url ?? '', body });
      if (req.url === '/flaky') {
        // 500 twice for each run, then 200.
        const n = (flakyAnswers.get(body.millrace.runId) ?? 0) + 1;
        flakyAnswers.set(body.millrace.runId, n);
        res.writeHead(n <= 2 ? 500 : 200).end(n <= 2 ? 'try later' : 'ok');
      } else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));


const runIds: Record<'ok1' | 'ok2' | 'bad', string> = { ok1: '', ok2: '', bad: '' };
const hooks: Record<'failures' | 'flaky', string> = { failures: '', flaky: '' };

describe('run operations', () => {
  it('sets up two pipelines and two webhooks', async () => {
    expect([200, 201]).toContain((await api('POST', '/api/v1/datasets?name=ops-notes', csv, { 'content-type': 'text/csv' })).status);
    expect((await api('PUT', '/api/v1/pipelines/ops-ok', pipeline('ops-ok', 'SELECT * FROM input'))).status).toBe(200);
    // Binds over empty tables, fails on the first real row.
    expect((await api('PUT', '/api/v1/pipelines/ops-bad', pipeline('ops-bad', 'SELECT CAST(note AS INTEGER) AS n FROM input'))).status).toBe(200);

    const failures = await api('POST', '/api/v1/webhooks', { url: `${base}/failures`, events: ['run.failed'], pipeline: 'ops-bad' });
    expect(failures.status).toBe(201);
    hooks.failures = failures.data.id;
    const flaky = await api('POST', '/api/v1/webhooks', { url: `${base}/flaky`, events: ['run.succeeded'], pipeline: 'ops-ok' });
    expect(flaky.status).toBe(201);
    hooks.flaky = flaky.data.id;
  });

  it('refuses webhook URLs that reach private, metadata or loopback addresses, and bad events', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/hook', 'http://localhost:9/hook', 'http://127.0.0.2/hook', 'ftp://example.com/x']) {
      const res = await api('POST', '/api/v1/webhooks', { url, events: ['run.failed'] });
      expect(res.status, url).toBe(400);
      expect(res.data.error).toMatch(/url: |Only http and https/);
    }
    const events = await api('POST', '/api/v1/webhooks', { url: `${base}/x`, events: ['run.exploded'] });
    expect(events.status).toBe(400);
    expect(events.data.error).toMatch(/events/);
    expect((await api('POST', '/api/v1/webhooks', { url: `${base}/x`, events: ['run.failed'], pipeline: 'no-such-pipeline' })).status).toBe(404);
    expect((await api('DELETE', '/api/v1/webhooks/not-a-uuid')).status).toBe(400);
  });

  it('delivers one webhook for a failing run, Slack-compatible, and records it in-app', async () => {
    const started = await api('POST', '/api/v1/pipelines/ops-bad/runs');
    runIds.bad = started.data.runId;
    expect((await waitForRun(runIds.bad)).status).toBe('failed');
    const log = await until('the failure delivery', async () => {
      const res = await api('GET', `/api/v1/webhooks/${hooks.failures}/deliveries`);
      return res.data.deliveries.find((d: any) => d.status !== 'pending') as any;
    });
    expect(log).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, event: 'run.failed', runId: runIds.bad });
    const posts = received.filter((r) => r.path === '/failures');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toMatchObject({
      text: expect.stringContaining('Run of ops-bad failed'),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: expect.any(String) } }],
      millrace: { event: 'run.failed', pipeline: 'ops-bad', runId: runIds.bad, runStatus: 'failed' },
    });
    const inbox = await api('GET', '/api/v1/notifications');
    expect(inbox.data.notifications).toContainEqual(expect.objectContaining({ event: 'run.failed', runId: runIds.bad, title: 'Run of ops-bad failed' }));
    expect(inbox.data.unread).toBeGreaterThanOrEqual(1);
  });

  it('retries a receiver that answers 500 twice, then 200: three attempts in the log', async () => {
    for (const key of ['ok1', 'ok2'] as const) {
      runIds[key] = (await api('POST', '/api/v1/pipelines/ops-ok/runs')).data.runId;
      expect((await waitForRun(runIds[key])).status).toBe('succeeded');
    }
    const deliveries = await until('both flaky deliveries', async () => {
      const res = await api('GET', `/api/v1/webhooks/${hooks.flaky}/deliveries`);
      const done = res.data.deliveries.filter((d: any) => d.status !== 'pending');
      return done.length === 2 ? done : undefined;
    });
    for (const d of deliveries) expect(d).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, event: 'run.succeeded' });
    expect(received.filter((r) => r.path === '/flaky' && r.body.millrace.runId === runIds.ok1)).toHaveLength(3);
    // The failure webhook is for ops-bad only.
    expect(received.filter((r) => r.path === '/failures')).toHaveLength(1);
  });

  it('lists runs newest first with filters and keyset paging', async () => {
    const all = await api('GET', '/api/v1/runs?pipeline=ops-ok');
    expect(all.status).toBe(200);
    expect(all.data.runs.map((r: any) => r.runId)).toEqual([runIds.ok2, runIds.ok1]);
    expect(all.data.runs[0]).toMatchObject({ pipeline: 'ops-ok', version: 1, status: 'succeeded', trigger: 'api', durationMs: expect.any(Number) });
    expect(all.data.nextCursor).toBeNull();

    const first = await api('GET', '/api/v1/runs?pipeline=ops-ok&limit=1');
    expect(first.data.runs.map((r: any) => r.runId)).toEqual([runIds.ok2]);
    const second = await api('GET', `/api/v1/runs?pipeline=ops-ok&limit=1&cursor=${first.data.nextCursor}`);
    expect(second.data.runs.map((r: any) => r.runId)).toEqual([runIds.ok1]);

    const failed = await api('GET', '/api/v1/runs?status=failed&trigger=api');
    expect(failed.data.runs.map((r: any) => r.runId)).toContain(runIds.bad);
    expect(failed.data.runs.every((r: any) => r.status === 'failed')).toBe(true);
    const both = await api('GET', '/api/v1/runs?status=failed,succeeded&pipeline=ops-bad');
    expect(both.data.runs.map((r: any) => r.runId)).toEqual([runIds.bad]);

    const now = new Date().toISOString();
    expect((await api('GET', `/api/v1/runs?pipeline=ops-ok&from=${encodeURIComponent(now)}`)).data.runs).toEqual([]);
    expect((await api('GET', `/api/v1/runs?pipeline=ops-ok&to=${encodeURIComponent(now)}`)).data.runs).toHaveLength(2);
    expect((await api('GET', '/api/v1/runs?trigger=schedule&pipeline=ops-ok')).data.runs).toEqual([]);

    for (const [query, message] of [
      ['cursor=abc', /cursor/],
      ['status=lost', /status/],
      ['from=yesterday', /from/],
      ['sort=asc', /Unknown query parameter "sort"/],
      ['limit=0', /limit/],
      ['from=2026-02-01&to=2026-01-01', /before/],
    ] as const) {
      const res = await api('GET', `/api/v1/runs?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.data.error, query).toMatch(message);
    }
  });

  it('compares runs of one pipeline: parameters, durations, in the order asked', async () => {
    const res = await api('GET', `/api/v1/runs/compare?ids=${runIds.ok1},${runIds.ok2}`);
    expect(res.status).toBe(200);
    expect(res.data.pipeline).toBe('ops-ok');
    expect(res.data.runs.map((r: any) => r.runId)).toEqual([runIds.ok1, runIds.ok2]);
    expect(res.data.params).toContainEqual(expect.objectContaining({ nodeId: 'q', param: 'sql', values: ['SELECT * FROM input', 'SELECT * FROM input'], differs: false }));
    expect(res.data.durations.map((d: any) => d.nodeId)).toEqual(['load', 'q']);
    for (const d of res.data.durations) for (const v of d.values) expect(v).toBeGreaterThanOrEqual(0);

    const mixed = await api('GET', `/api/v1/runs/compare?ids=${runIds.ok1},${runIds.bad}`);
    expect(mixed.status).toBe(400);
    expect(mixed.data.error).toMatch(/Only runs of one pipeline/);
    expect((await api('GET', `/api/v1/runs/compare?ids=${runIds.ok1}`)).status).toBe(400);
    expect((await api('GET', `/api/v1/runs/compare?ids=${runIds.ok1},00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await api('GET', '/api/v1/runs/compare?ids=a,b')).status).toBe(400);
  });
});
