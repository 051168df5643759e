import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, TERMINAL, waitForRun } from '../support/http';
import { until } from '../support/wait';

// Schedules against the real Temporal server: Temporal fires them, each run records its schedule and
// the time it was scheduled for.

const PIPELINE = 'sched-tiny';
const tiny = (name: string) => ({
  apiVersion: 'millrace/v1',
  name,
  nodes: [{ id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } }],
  edges: [],
});


/** The pipeline's runs with their origin (schedule, scheduled time), oldest first. */
async function runsOf(pipeline: string) {
  const list = await http('GET', `/api/v1/pipelines/${pipeline}/runs`);
  expect(list.status).toBe(200);
  const runs = await Promise.all(list.data.runs.map(async (r: any) => (await http('GET', `/api/v1/runs/${r.runId}`)).data));
  return runs.reverse();
}

const base = `/api/v1/pipelines/${PIPELINE}/schedules`;

beforeAll(async () => {
  expect((await http('PUT', `/api/v1/pipelines/${PIPELINE}`, tiny(PIPELINE))).status).toBe(200);
});

afterAll(async () => {
  for (const name of ['every-2s', 'hourly']) await http('DELETE', `${base}/${name}`);
  await http('DELETE', '/api/v1/pipelines/sched-slow/schedules/every-2s');
});

describe('a pipeline schedule', () => {
  it('refuses a bad cron, an unknown time zone and a second schedule of the same name', async () => {
    const badCron = await http('POST', base, { name: 'bad', spec: { kind: 'cron', cron: '0 25 * * *' } });
    expect(badCron.status).toBe(400);
    expect(badCron.data.error).toMatch(/hour field "25" is outside 0–23/);
    const badZone = await http('POST', base, { name: 'bad', spec: { kind: 'cron', cron: '0 9 * * *', timezone: 'Mars/Olympus' } });
    expect(badZone.status).toBe(400);
    expect(badZone.data.error).toMatch(/time zone/);
    const noPipeline = await http('POST', '/api/v1/pipelines/no-such-pipeline/schedules', { name: 'x', spec: { kind: 'interval', everySeconds: 60 } });
    expect(noPipeline.status).toBe(404);
  });

  it('fires every 2 s, stops while paused and fires again when resumed', async () => {
    const created = await http('POST', base, { name: 'every-2s', spec: { kind: 'interval', everySeconds: 2 }, note: 'test' }, { 'x-millrace-user': 'tester' });
    // The caller's token is who created it; a name in X-Millrace-User is not an identity.
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    expect(created.data.id).toBe(`${PIPELINE}:every-2s`);
    expect(created.data.description).toBe('Every 2 seconds');
    expect(created.data.createdBy).toMatch(/^token test admin \(mrt_/);
    expect(created.data.paused).toBe(false);
    expect(created.data.nextRuns.length).toBeGreaterThan(0);
    const again = await http('POST', base, { name: 'every-2s', spec: { kind: 'interval', everySeconds: 60 } });
    expect(again.status).toBe(409);

    // Two runs started by Temporal, each for its own scheduled time on the 2-second grid.
    const fired = await until('two scheduled runs', async () => {
      const runs = (await runsOf(PIPELINE)).filter((r) => r.origin?.scheduleId === `${PIPELINE}:every-2s`);
      return runs.length >= 2 ? runs : undefined;
    });
    for (const run of fired) {
      expect(run.origin.kind).toBe('schedule');
      expect(Date.parse(run.origin.scheduledAt) % 2000).toBe(0);
    }
    expect(new Set(fired.map((r) => r.origin.scheduledAt)).size).toBe(fired.length);
    const done = await waitForRun(fired[0].runId);
    expect(done.status).toBe('succeeded');

    const paused = await http('POST', `${base}/every-2s/pause`, { note: 'maintenance' });
    expect(paused.status).toBe(200);
    expect(paused.data.paused).toBe(true);
    expect(paused.data.stateNote).toBe('maintenance');
    expect(paused.data.nextRuns).toEqual([]);
    expect(paused.data.lastChange).toBe('paused');
    // Let what was in flight end, then three intervals pass with no new run.
    await until('in-flight scheduled runs to end', async () => {
      const s = await http('GET', `${base}/every-2s`);
      return s.data.running === 0 ? true : undefined;
    });
    const before = (await runsOf(PIPELINE)).length;
    await new Promise((r) => setTimeout(r, 6000));
    expect((await runsOf(PIPELINE)).length).toBe(before);
    const listed = await http('GET', '/api/v1/schedules');
    const row = listed.data.schedules.find((s: any) => s.id === `${PIPELINE}:every-2s`);
    expect(row.paused).toBe(true);
    expect(row.updatedBy).toMatch(/^token test admin \(mrt_/);
    expect(TERMINAL.concat('running', 'queued')).toContain(row.lastRun.status);

    const resumedAt = Date.now();
    const resumed = await http('POST', `${base}/every-2s/resume`);
    expect(resumed.data.paused).toBe(false);
    await until('a run after resuming', async () => {
      const runs = await runsOf(PIPELINE);
      return runs.find((r) => r.origin?.scheduleId === `${PIPELINE}:every-2s` && Date.parse(r.origin.scheduledAt) >= resumedAt - 1000);
    });
    expect((await http('DELETE', `${base}/every-2s`)).status).toBe(204);
    expect((await http('GET', `${base}/every-2s`)).status).toBe(404);
  });

  it('backfills a past range, each run receiving its scheduled time, and runs now on demand', async () => {
    const created = await http('POST', base, {
      name: 'hourly',
      spec: { kind: 'cron', cron: '0 * * * *', timezone: 'UTC' },
      paused: true,
    });
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    expect(created.data.spec).toEqual({ kind: 'cron', cron: '0 * * * *', timezone: 'UTC' });
    expect(created.data.description).toBe('Every hour, every day (UTC)');

    const bad = await http('POST', `${base}/hourly/backfill`, { from: '2026-01-01T03:00:00Z', to: '2026-01-01T00:00:00Z' });
    expect(bad.status).toBe(400);
    const backfill = await http('POST', `${base}/hourly/backfill`, { from: '2026-01-01T00:00:00Z', to: '2026-01-01T03:00:00Z' });
    expect(backfill.status, JSON.stringify(backfill.data)).toBe(202);
    const expected = ['2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z'];
    const backfilled = await until('the backfilled runs', async () => {
      const runs = (await runsOf(PIPELINE)).filter((r) => r.origin?.scheduleId === `${PIPELINE}:hourly`);
      return runs.length >= expected.length ? runs : undefined;
    });
    expect(backfilled.map((r) => new Date(r.origin.scheduledAt).toISOString()).sort()).toEqual(expected);
    for (const r of backfilled) expect((await waitForRun(r.runId)).status).toBe('succeeded');

    const before = Date.now();
    expect((await http('POST', `${base}/hourly/trigger`)).status).toBe(202);
    const now = await until('the run started now', async () =>
      (await runsOf(PIPELINE)).find((r) => r.origin?.scheduleId === `${PIPELINE}:hourly` && Date.parse(r.origin.scheduledAt) >= before - 1000),
    );
    expect((await waitForRun(now.runId)).status).toBe('succeeded');
    const view = await http('GET', `${base}/hourly`);
    expect(view.data.lastChange).toBe('run now');
    expect(view.data.lastRun.runId).toBe(now.runId);
  });

  it('changes its timing and overlap policy, kept by Temporal', async () => {
    const changed = await http('PATCH', `${base}/hourly`, { spec: { kind: 'cron', cron: '30 6 * * 1', timezone: 'Europe/Paris' }, overlap: 'buffer_one' });
    expect(changed.status, JSON.stringify(changed.data)).toBe(200);
    expect(changed.data.spec).toEqual({ kind: 'cron', cron: '30 6 * * 1', timezone: 'Europe/Paris' });
    expect(changed.data.overlap).toBe('buffer_one');
    expect(changed.data.paused).toBe(true);
    const unknown = await http('POST', `${base}/hourly/explode`);
    expect(unknown.status).toBe(404);
  });

  it('refuses parameter values the pipeline would refuse, and keeps and changes good ones', async () => {
    const doc = { ...tiny('sched-params'), parameters: [{ name: 'minMass', type: 'number', default: 4000 }, { name: 'asOf', type: 'date' }] };
    expect((await http('PUT', '/api/v1/pipelines/sched-params', doc)).status).toBe(200);
    const url = '/api/v1/pipelines/sched-params/schedules';
    const spec = { kind: 'cron', cron: '0 3 * * *' };
    const missing = await http('POST', url, { name: 'nightly', spec, params: { minMass: 5000 } });
    expect(missing.status).toBe(400);
    expect(missing.data.error).toBe('Parameter "asOf" has no default: give it a value');
    const wrong = await http('POST', url, { name: 'nightly', spec, params: { minMass: 'heavy', asOf: '2026-01-01' } });
    expect(wrong.status).toBe(400);
    expect(wrong.data.error).toBe('Parameter "minMass" must be a number, got "heavy"');
    expect((await http('GET', `${url}/nightly`)).status).toBe(404);

    const made = await http('POST', url, { name: 'nightly', spec, paused: true, params: { minMass: 5000, asOf: '2026-01-01' } });
    expect(made.status, JSON.stringify(made.data)).toBe(201);
    expect(made.data.params).toEqual({ minMass: 5000, asOf: '2026-01-01' });
    try {
      const bad = await http('PATCH', `${url}/nightly`, { params: { asOf: 'yesterday' } });
      expect(bad.status).toBe(400);
      expect(bad.data.error).toMatch(/^Parameter "asOf" Write a date as YYYY-MM-DD/);
      const changed = await http('PATCH', `${url}/nightly`, { params: { asOf: '2026-02-01' } });
      expect(changed.status, JSON.stringify(changed.data)).toBe(200);
      // Temporal holds the values the schedule's action passes.
      expect(changed.data.params).toEqual({ asOf: '2026-02-01' });
    } finally {
      await http('DELETE', `${url}/nightly`);
    }
  });

  it('with "cancel previous", a new time cancels the run still going', async () => {
    // A data source that never answers keeps each run busy in its first step.
    const held: ServerResponse[] = [];
    const server = createServer((_req, res) => held.push(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data.csv`;
    try {
      const doc = { apiVersion: 'millrace/v1', name: 'sched-slow', nodes: [{ id: 'fetch', type: 'ingest.url', params: { url, dataset: 'slow-source', format: 'csv' } }], edges: [] };
      expect((await http('PUT', '/api/v1/pipelines/sched-slow', doc)).status).toBe(200);
      const made = await http('POST', '/api/v1/pipelines/sched-slow/schedules', {
        name: 'every-2s',
        spec: { kind: 'interval', everySeconds: 2 },
        overlap: 'cancel_previous',
      });
      expect(made.status, JSON.stringify(made.data)).toBe(201);
      expect(made.data.overlap).toBe('cancel_previous');
      const runs = await until('a run cancelled by the next one', async () => {
        const all = await runsOf('sched-slow');
        return all.some((r) => r.status === 'cancelled') && all.length >= 2 ? all : undefined;
      });
      const cancelled = runs.find((r) => r.status === 'cancelled')!;
      const later = runs.filter((r) => Date.parse(r.origin.scheduledAt) > Date.parse(cancelled.origin.scheduledAt));
      expect(later.length).toBeGreaterThan(0);
      expect(await http('POST', '/api/v1/pipelines/sched-slow/schedules/every-2s/pause').then((r) => r.status)).toBe(200);
    } finally {
      await http('DELETE', '/api/v1/pipelines/sched-slow/schedules/every-2s');
      for (const r of await runsOf('sched-slow')) if (!TERMINAL.includes(r.status)) await http('POST', `/api/v1/runs/${r.runId}/cancel`);
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
