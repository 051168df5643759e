import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { http as api, step, waitForRun } from '../support/http';

// The closed loop on the real stack: a model trained on Seattle's weather is deployed; traffic drawn from
// the held-out Seattle days goes through the REST endpoint and the monitoring pipeline finds no drift and
// starts nothing; traffic drawn from New York's weather makes it find drift, alert (in the app and on a
// webhook) and start the retraining pipeline, whose gate passes and whose deploy step promotes the new
// model, which the endpoint then answers with.

const FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind'] as const;
const ENDPOINT = 'loop-weather';
const ROWS_PER_REQUEST = 5;

type Row = Record<string, string | number>;

function weatherRows(): Row[] {
  const [header, ...lines] = fs.readFileSync(path.resolve('node_modules/vega-datasets/data/weather.csv'), 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, FEATURES.includes(n as never) ? Number(cells[i]) : cells[i]!]));
  });
}

const csv = (rows: Row[]) => [Object.keys(rows[0]!).join(','), ...rows.map((r) => Object.values(r).join(','))].join('\n') + '\n';
const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params });

const TRAIN = {
  apiVersion: 'millrace/v1',
  name: 'loop-train',
  parameters: [{ name: 'source', type: 'dataset', default: 'loop-weather' }],
  nodes: [
    node('load', 'ingest.dataset', { dataset: { $param: 'source' } }),
    node('split', 'prepare.split', { testFraction: 0.25, seed: 7 }),
    node('train', 'train.random_forest', { target: 'weather', features: [...FEATURES], trees: 30, seed: 1 }),
    node('eval', 'validate.evaluate'),
    node('gate', 'validate.gate', { rules: [{ metric: 'accuracy', op: '>=', value: 0.5 }] }),
    node('ship', 'deploy.endpoint', { endpoint: ENDPOINT }),
  ],
  edges: [
    { from: 'load.table', to: 'split.table' },
    { from: 'split.train', to: 'train.table' },
    { from: 'train.model', to: 'eval.model' },
    { from: 'split.test', to: 'eval.table' },
    { from: 'eval.metrics', to: 'gate.metrics' },
    { from: 'train.model', to: 'ship.model' },
    { from: 'gate.pass', to: 'ship.after' },
  ],
};

const MONITOR = {
  apiVersion: 'millrace/v1',
  name: 'loop-monitor',
  parameters: [{ name: 'since', type: 'timestamp', default: '2000-01-01T00:00:00Z' }],
  nodes: [
    node('traffic', 'monitor.endpoint_traffic', { endpoint: ENDPOINT, windowHours: 1, since: { $param: 'since' }, minRows: 100 }),
    node('drift', 'monitor.drift', { prediction: 'weather' }),
    node('alert', 'monitor.alert', { title: 'Weather traffic drifted' }),
    node('retrain', 'control.trigger_pipeline', { pipeline: 'loop-train', params: [{ name: 'source', value: 'loop-weather-recent' }] }),
  ],
  edges: [
    { from: 'traffic.reference', to: 'drift.reference' },
    { from: 'traffic.current', to: 'drift.current' },
    { from: 'drift.metrics', to: 'alert.metrics' },
    { from: 'alert.raised', to: 'retrain.after' },
  ],
};

const QUALITY = {
  apiVersion: 'millrace/v1',
  name: 'loop-quality',
  parameters: [{ name: 'since', type: 'timestamp', default: '2000-01-01T00:00:00Z' }],
  nodes: [
    node('quality', 'monitor.performance', { endpoint: ENDPOINT, windowHours: 1, since: { $param: 'since' }, minLabels: 50 }),
    node('alert', 'monitor.alert', { rules: [{ metric: 'accuracy_change', op: '<=', value: -0.5 }], notify: false }),
  ],
  edges: [{ from: 'quality.metrics', to: 'alert.metrics' }],
};

let sql: postgres.Sql;
let hook: http.Server;
const received: any[] = [];

beforeAll(async () => {
  sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await sql.end();
  await new Promise((resolve) => hook.close(resolve));
});

async function run(name: string, params?: Record<string, unknown>) {
  const started = await api('POST', `/api/v1/pipelines/${name}/runs`, params ? { params } : undefined);
  expect(started.status, JSON.stringify(started.data)).toBe(202);
  const done = await waitForRun(started.data.runId, { timeoutMs: 240_000 });
  expect(done.status, JSON.stringify(done.steps.map((s: any) => [s.nodeId, s.status, s.error]))).toBe('succeeded');
  return { ...done, runId: started.data.runId as string };
}

/** Sends the rows through the REST endpoint, a few per request, ten requests at a time; waits until all are logged. */
async function sendTraffic(rows: Row[]) {
  const requests: Row[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_REQUEST) requests.push(rows.slice(i, i + ROWS_PER_REQUEST));
  const ids: string[] = [];
  for (let i = 0; i < requests.length; i += 10) {
    const answers = await Promise.all(
      requests.slice(i, i + 10).map((batch) => api('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, { rows: batch.map((r) => Object.fromEntries(FEATURES.map((f) => [f, r[f]]))) })),
    );
    for (const a of answers) {
      expect(a.status, JSON.stringify(a.data)).toBe(200);
      ids.push(a.data.requestId);
    }
  }
  // The log is written in the background: wait until every request is in Postgres.
  for (;;) {
    const [{ n }] = await sql`select count(*)::int as n from prediction_logs where request_id = any(${ids})`;
    if (n === ids.length) return ids.length;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function runsOf(pipeline: string): Promise<string[]> {
  const { data } = await api('GET', `/api/v1/runs?pipeline=${pipeline}&limit=100`);
  return data.runs.map((r: { runId: string }) => r.runId);
}

describe('the closed loop: drift → alert → retrain → gate → promote', () => {
  it('finds no drift on unshifted traffic and starts nothing; on shifted traffic alerts, retrains, gates and promotes', async () => {
    const weather = weatherRows();
    const seattle = weather.filter((r) => r.location === 'Seattle');
    const newYork = weather.filter((r) => r.location === 'New York');
    // Every other Seattle day trains; the days between are traffic like the training data.
    const trainDays = seattle.filter((_, i) => i % 2 === 0);
    const heldOutDays = seattle.filter((_, i) => i % 2 === 1);
    const newYorkDays = newYork.filter((_, i) => i % 2 === 1);

    for (const [name, rows] of [['loop-weather', trainDays], ['loop-weather-recent', [...trainDays, ...newYork]]] as [string, Row[]][]) {
      const up = await api('POST', `/api/v1/datasets?name=${name}`, csv(rows), { 'content-type': 'text/csv' });
      expect(up.status, JSON.stringify(up.data)).toBeLessThan(300);
    }
    for (const doc of [TRAIN, MONITOR]) {
      const saved = await api('PUT', `/api/v1/pipelines/${doc.name}`, doc);
      expect(saved.status, JSON.stringify(saved.data)).toBe(200);
    }
    const hooked = await api('POST', '/api/v1/webhooks', { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`, events: ['monitor.alert'], pipeline: 'loop-monitor' });
    expect(hooked.status, JSON.stringify(hooked.data)).toBeLessThan(300);

    // Train on Seattle and deploy: version 1 answers.
    const first = await run('loop-train');
    expect(step(first, 'gate').summary.passed).toBe(true);
    const served = await api('GET', `/api/v1/endpoints/${ENDPOINT}`);
    expect(served.data).toMatchObject({ model: 'loop-train.train', modelVersion: 1 });

    // Unshifted: the held-out Seattle days.
    const calmFrom = new Date().toISOString();
    expect(await sendTraffic(heldOutDays)).toBe(Math.ceil(heldOutDays.length / ROWS_PER_REQUEST));
    const calm = await run('loop-monitor', { since: calmFrom });
    expect(step(calm, 'traffic').summary).toMatchObject({ rows: heldOutDays.length, enough: true, model: 'loop-train.train v1', predictionColumn: 'weather' });
    expect(step(calm, 'drift').summary).toMatchObject({ datasetDrift: false, features: FEATURES.length, currentRows: heldOutDays.length });
    expect(step(calm, 'alert').summary.raised).toBe(false);
    expect(step(calm, 'retrain').status).toBe('skipped');
    expect(await runsOf('loop-train')).toEqual([first.runId]);

    // Shifted: New York's days, through the same endpoint.
    const shiftFrom = new Date().toISOString();
    await sendTraffic(newYorkDays);
    const alarmed = await run('loop-monitor', { since: shiftFrom });
    expect(step(alarmed, 'traffic').summary).toMatchObject({ rows: newYorkDays.length, model: 'loop-train.train v1' });
    const drift = step(alarmed, 'drift').summary;
    expect(drift).toMatchObject({ datasetDrift: true, currentRows: newYorkDays.length });
    expect(drift.driftedFeatures).toBeGreaterThanOrEqual(FEATURES.length / 2);
    const alert = step(alarmed, 'alert').summary;
    expect(alert).toMatchObject({ raised: true, notified: true });
    expect(alert.reasons).toBe('dataset_drift = 1 (>= 1)');

    // Drift over time: one report per monitoring run, oldest first, with each feature's score.
    const driftOverTime = await api('GET', '/api/v1/pipelines/loop-monitor/drift');
    expect(driftOverTime.status).toBe(200);
    expect(driftOverTime.data.reports.map((r: any) => [r.runId, r.nodeId, r.datasetDrift])).toEqual([
      [calm.runId, 'drift', false],
      [alarmed.runId, 'drift', true],
    ]);
    const scores = Object.fromEntries(drift.drift.rows.map((r: unknown[]) => [r[0], r[3]]));
    for (const f of driftOverTime.data.reports[1].features) expect(f.score).toBeCloseTo(scores[f.column], 3);
    expect((await api('GET', '/api/v1/pipelines/loop-monitor/drift?limit=0')).data.error).toContain('limit: at least 1');
    expect((await api('GET', '/api/v1/pipelines/no-such-pipeline/drift')).status).toBe(404);

    // The alert: in the app, and POSTed to the webhook (by the workers' outbox).
    const inbox = await api('GET', '/api/v1/notifications');
    const alerts = inbox.data.notifications.filter((n: any) => n.event === 'monitor.alert' && [calm.runId, alarmed.runId].includes(n.runId));
    expect(alerts).toEqual([expect.objectContaining({ runId: alarmed.runId, nodeId: 'alert', title: 'Weather traffic drifted', message: 'dataset_drift = 1 (>= 1)' })]);
    for (let i = 0; received.length === 0 && i < 600; i++) await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([expect.objectContaining({ millrace: expect.objectContaining({ event: 'monitor.alert', pipeline: 'loop-monitor', runId: alarmed.runId, nodeId: 'alert' }) })]);

    // The retraining run: started by the monitor's step with its parameters, gated and promoted.
    const retrainId = step(alarmed, 'retrain').summary.runId;
    expect(await runsOf('loop-train')).toEqual([retrainId, first.runId]);
    const retrained = await waitForRun(retrainId, { timeoutMs: 240_000 });
    expect(retrained.status, JSON.stringify(retrained.steps.map((s: any) => [s.nodeId, s.status, s.error]))).toBe('succeeded');
    expect(retrained).toMatchObject({ trigger: 'step', params: { source: 'loop-weather-recent' } });
    expect(retrained.origin).toMatchObject({ kind: 'step', payload: { fromRun: alarmed.runId, fromPipeline: 'loop-monitor', fromStep: 'retrain' }, chain: ['loop-monitor'] });
    expect(step(retrained, 'load').summary).toMatchObject({ dataset: 'loop-weather-recent', rows: trainDays.length + newYork.length });
    expect(step(retrained, 'gate').summary.passed).toBe(true);
    expect(step(retrained, 'ship').status).toBe('succeeded');

    // The endpoint answers with the new version (the promotion reaches the web process through Postgres).
    const row = Object.fromEntries(FEATURES.map((f) => [f, newYorkDays[0]![f]]));
    let answer = await api('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, { rows: [row] });
    for (let i = 0; answer.data.modelVersion !== 2 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      answer = await api('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, { rows: [row] });
    }
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ model: 'loop-train.train', modelVersion: 2 });
    const history = await api('GET', `/api/v1/endpoints/${ENDPOINT}/history`);
    expect(history.data.events[0]).toMatchObject({ kind: 'promotion', runId: retrainId });

    // Retrying the monitor's start would find the same run: one firing per run and step.
    const [{ n }] = await sql`select count(*)::int as n from trigger_firings where key = ${`step:${alarmed.runId}:retrain`}`;
    expect(n).toBe(1);
  });

  // Follows the loop above: version 2 serves the endpoint.
  it('measures the served model on predictions that got true labels, against its validation metrics', async () => {
    const saved = await api('PUT', `/api/v1/pipelines/${QUALITY.name}`, QUALITY);
    expect(saved.status, JSON.stringify(saved.data)).toBe(200);
    const newYorkDays = weatherRows().filter((r) => r.location === 'New York').filter((_, i) => i % 2 === 0).slice(0, 200);
    const from = new Date().toISOString();
    let correct = 0;
    let labelled = 0;
    const feedback: { requestId: string; row: number; label: string }[] = [];
    for (let i = 0; i < newYorkDays.length; i += ROWS_PER_REQUEST) {
      const batch = newYorkDays.slice(i, i + ROWS_PER_REQUEST);
      const answer = await api('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, { rows: batch.map((r) => Object.fromEntries(FEATURES.map((f) => [f, r[f]]))) });
      expect(answer.data).toMatchObject({ modelVersion: 2 });
      // Three rows in four get their true label back.
      batch.forEach((r, row) => {
        if ((i + row) % 4 === 3) return;
        feedback.push({ requestId: answer.data.requestId, row, label: String(r.weather) });
        labelled++;
        if (String(answer.data.predictions[row]) === r.weather) correct++;
      });
    }
    const sent = await api('POST', `/api/v1/endpoints/${ENDPOINT}/feedback`, feedback);
    expect(sent.status, JSON.stringify(sent.data)).toBe(200);

    const measured = await run('loop-quality', { since: from });
    const quality = step(measured, 'quality').summary;
    expect(quality).toMatchObject({ model: 'loop-train.train v2', labelledRows: labelled, enough: true });
    const validation = (await api('GET', '/api/v1/models/loop-train.train/versions/2')).data.metrics.accuracy;
    const accuracy = quality.quality.rows.find((r: unknown[]) => r[0] === 'accuracy');
    expect(accuracy[1]).toBeCloseTo(validation, 5);
    expect(accuracy[2]).toBeCloseTo(correct / labelled, 5);
    expect(accuracy[3]).toBeCloseTo(correct / labelled - validation, 5);
    // The alert reads the change; it holds only when the live accuracy fell by half or more.
    expect(step(measured, 'alert').summary.raised).toBe(correct / labelled - validation <= -0.5);
  });
});

describe('endpoint traffic against a chosen dataset version', () => {
  // Follows the loop above: the endpoint has logged traffic.
  it('takes the dataset version as the reference instead of the training table', async () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'loop-against-dataset',
      nodes: [
        node('traffic', 'monitor.endpoint_traffic', { endpoint: ENDPOINT, referenceDataset: 'loop-weather', referenceVersion: 1 }),
        node('drift', 'monitor.drift', { prediction: 'weather' }),
      ],
      edges: [
        { from: 'traffic.reference', to: 'drift.reference' },
        { from: 'traffic.current', to: 'drift.current' },
      ],
    };
    expect((await api('PUT', `/api/v1/pipelines/${doc.name}`, doc)).status).toBe(200);
    const done = await run(doc.name);
    const seattleTrainDays = weatherRows().filter((r) => r.location === 'Seattle').filter((_, i) => i % 2 === 0).length;
    expect(step(done, 'traffic').summary).toMatchObject({ reference: 'dataset loop-weather v1', referenceRows: seattleTrainDays });
    expect(step(done, 'drift').summary).toMatchObject({ referenceRows: seattleTrainDays, features: FEATURES.length });
  });
});

describe('control.trigger_pipeline', () => {
  const starter = (name: string, params: Record<string, unknown>) => ({ apiVersion: 'millrace/v1', name, nodes: [node('start', 'control.trigger_pipeline', params)] });
  const put = async (doc: { name: string }) => expect((await api('PUT', `/api/v1/pipelines/${doc.name}`, doc)).status).toBe(200);
  const runToEnd = async (name: string) => {
    const started = await api('POST', `/api/v1/pipelines/${name}/runs`);
    expect(started.status).toBe(202);
    return waitForRun(started.data.runId, { timeoutMs: 240_000 });
  };

  it('waits for the run it started when asked, and names what it refuses: a loop, a pipeline that cannot run', async () => {
    await put({
      apiVersion: 'millrace/v1',
      name: 'trigger-leaf',
      parameters: [{ name: 'rows', type: 'integer', default: 10 }],
      nodes: [node('load', 'ingest.sample', { sample: 'weather' }), node('few', 'prepare.sample', { size: 'rows', rows: { $param: 'rows' }, seed: 1 })],
      edges: [{ from: 'load.table', to: 'few.table' }],
    } as never);
    // A form gives text: "25" goes to the integer parameter as 25.
    await put(starter('trigger-waits', { pipeline: 'trigger-leaf', wait: true, params: [{ name: 'rows', value: '25' }] }) as never);
    const waited = await runToEnd('trigger-waits');
    expect(waited.status).toBe('succeeded');
    const leafRun = step(waited, 'start').summary;
    expect(leafRun).toMatchObject({ pipeline: 'trigger-leaf', runStatus: 'succeeded' });
    expect((await api('GET', `/api/v1/runs/${leafRun.runId}`)).data).toMatchObject({ status: 'succeeded', trigger: 'step', params: { rows: 25 } });

    await put(starter('trigger-self', { pipeline: 'trigger-self' }) as never);
    const self = await runToEnd('trigger-self');
    expect(self.status).toBe('failed');
    expect(step(self, 'start')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(step(self, 'start').error).toBe('Pipeline "trigger-self" was not started: Refused a loop: "trigger-self" already ran in this chain (trigger-self → trigger-self)');

    await put(starter('trigger-nothing', { pipeline: 'no-such-pipeline' }) as never);
    const nothing = await runToEnd('trigger-nothing');
    expect(step(nothing, 'start').error).toMatch(/^Pipeline "no-such-pipeline" was not started: .*no-such-pipeline/);
  });
});

describe('the seeded penguin-monitor template', () => {
  it('watches the penguins endpoint: Gentoo-only traffic drifts, alerts and starts penguin-species, which gates and deploys; a schedule runs it', async () => {
    expect((await api('GET', '/api/v1/pipelines/penguin-monitor')).status).toBe(200);
    await run('penguin-species');

    const penguins = JSON.parse(fs.readFileSync(path.resolve('node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
    const gentoo = penguins.filter((p) => p.Species === 'Gentoo' && Object.values(p).every((v) => v !== null && v !== '.'));
    const from = Date.now();
    for (let i = 0; i < gentoo.length; i += ROWS_PER_REQUEST) {
      const rows = gentoo.slice(i, i + ROWS_PER_REQUEST).map(({ Species: _species, ...features }) => features);
      const answer = await api('POST', '/api/v1/endpoints/penguins/predict', { rows });
      expect(answer.status, JSON.stringify(answer.data)).toBe(200);
    }
    // Logged in the background: wait until the last request is in.
    for (;;) {
      const [{ rows }] = await sql`select coalesce(sum(l.row_count), 0)::int as rows from prediction_logs l join endpoints e on e.id = l.endpoint_id where e.name = 'penguins' and l.created_at >= ${new Date(from - 1000)}`;
      if (rows >= gentoo.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    // Only this traffic (and whatever else the last minute held): the window is the time since it began, plus a minute.
    const monitored = await run('penguin-monitor', { windowHours: (Date.now() - from + 60_000) / 3_600_000 });
    expect(step(monitored, 'traffic').summary.rows).toBeGreaterThanOrEqual(gentoo.length);
    expect(step(monitored, 'drift').summary.datasetDrift).toBe(true);
    expect(step(monitored, 'alert').summary).toMatchObject({ raised: true, notified: true });
    const retrain = await waitForRun(step(monitored, 'retrain').summary.runId, { timeoutMs: 240_000 });
    expect(retrain).toMatchObject({ status: 'succeeded', pipeline: 'penguin-species', trigger: 'step' });
    expect(step(retrain, 'gate').summary.passed).toBe(true);
    expect(step(retrain, 'ship').status).toBe('succeeded');
    // The penguins data has not changed since the model was trained, so the retraining reuses that model (step
    // cache); on new data it trains and promotes a new version (the loop above).
    expect(step(retrain, 'train').cachedFrom).toBeTruthy();
    expect((await api('GET', '/api/v1/endpoints/penguins')).data).toMatchObject({ model: 'penguin-species.train' });

    // Schedulable as it is: an hourly schedule with its window, run now, runs it.
    const schedules = '/api/v1/pipelines/penguin-monitor/schedules';
    const made = await api('POST', schedules, { name: 'hourly', spec: { kind: 'interval', everySeconds: 3600 }, params: { windowHours: 1 } });
    expect(made.status, JSON.stringify(made.data)).toBeLessThan(300);
    try {
      expect((await api('POST', `${schedules}/hourly/trigger`)).status).toBe(202);
      let scheduled: { runId: string } | undefined;
      for (let i = 0; !scheduled && i < 600; i++) {
        const { data } = await api('GET', '/api/v1/runs?pipeline=penguin-monitor&trigger=schedule&limit=1');
        scheduled = data.runs[0];
        if (!scheduled) await new Promise((r) => setTimeout(r, 100));
      }
      const ran = await waitForRun(scheduled!.runId, { timeoutMs: 240_000 });
      expect(ran).toMatchObject({ status: 'succeeded', trigger: 'schedule', params: { windowHours: 1 } });
      // The same traffic is in its window: it alerts and retrains again; nothing is left running.
      const again = step(ran, 'retrain').summary.runId;
      expect((await waitForRun(again, { timeoutMs: 240_000 })).status).toBe('succeeded');
    } finally {
      await api('DELETE', `${schedules}/hourly`);
    }
  });
});
