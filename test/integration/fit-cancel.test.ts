import fs from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { expect, inject, it } from 'vitest';
import { workflowIdOf } from '../../server/services/runs';
import { http, step, waitForRun } from '../support/http';
import { pendingFit, processAlive } from '../support/processes';

it('cancelling a run kills its fit process, registers and promotes nothing, and the fit worker takes the next fit', async () => {
  // A forest of 2,000 fully grown trees on 30,000 rows of noise: a fit of a minute or more.
  const lines = ['a,b,c,label'];
  let x = 12345;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 30_000; i++) lines.push(`${rand()},${rand()},${rand()},${['p', 'q', 'r'][Math.floor(rand() * 3)]}`);
  const upload = await http('POST', '/api/v1/datasets?name=cancel-noise', lines.join('\n') + '\n', { 'content-type': 'text/csv' });
  expect(upload.status, JSON.stringify(upload.data)).toBe(201);
  const doc = {
    apiVersion: 'millrace/v1',
    name: 'cancel-fit',
    nodes: [
      { id: 'load', type: 'ingest.dataset', params: { dataset: 'cancel-noise' } },
      { id: 'train', type: 'train.random_forest', params: { target: 'label', trees: 2000 } },
      { id: 'ship', type: 'deploy.endpoint', params: { endpoint: 'cancel-fit' } },
    ],
    edges: [
      { from: 'load.table', to: 'train.table' },
      { from: 'train.model', to: 'ship.model' },
    ],
  };
  const saved = await http('PUT', '/api/v1/pipelines/cancel-fit', doc);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
  const { data } = await http('POST', '/api/v1/pipelines/cancel-fit/runs');

  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const handle = new Client({ connection }).workflow.getHandle(workflowIdOf(data.runId));
    const client = new Client({ connection });
    let cancelled = false;
    let fitPid: number | undefined;
    const run = await waitForRun(data.runId, {
      timeoutMs: 120_000,
      onPoll: async (r) => {
        if (cancelled || step(r, 'train').status !== 'running') return;
        // Cancel once the fit worker has started the fit and said which process fits it.
        const fit = await pendingFit(client, data.runId);
        if (!fit?.started || !fit.pid) return;
        fitPid = fit.pid;
        expect(processAlive(fitPid)).toBe(true);
        expect((await http('POST', `/api/v1/runs/${data.runId}/cancel`)).status).toBe(202);
        cancelled = true;
      },
    });
    expect(cancelled).toBe(true);
    expect(run.status).toBe('cancelled');
    // The step that was running says so; the one that never started was skipped.
    expect(step(run, 'train').status).toBe('cancelled');
    expect(step(run, 'ship').status).toBe('skipped');
    // The fit's process is gone (the run ends only after the fit worker acknowledged the cancel).
    expect(processAlive(fitPid!)).toBe(false);

    // The fit worker acknowledged the cancellation: the fit stopped in its thread and reported so
    // (within a few seconds of the request: the run waits for it).
    const history = await handle.fetchHistory();
    const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fitModel')!;
    const canceled = history.events!.find((e) => e.activityTaskCanceledEventAttributes);
    expect(String(canceled?.activityTaskCanceledEventAttributes?.scheduledEventId)).toBe(String(scheduled.eventId));
    // … and removed what it had started to write.
    await expect(fs.stat(path.join(inject('dataDir'), 'tmp', 'fit', data.runId, 'train'))).rejects.toThrow();
    // No model version and no promotion came of it.
    expect((await http('GET', '/api/v1/endpoints/cancel-fit')).status).toBe(404);
    const sql = postgres(inject('databaseUrl'), { max: 1 });
    try {
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from model_versions where run_id = ${data.runId}`;
      expect(n).toBe(0);
    } finally {
      await sql.end();
    }

    // The worker is free again: the example pipeline trains and deploys.
    const next = await http('POST', '/api/v1/pipelines/penguin-species/runs');
    expect((await waitForRun(next.data.runId, { timeoutMs: 120_000 })).status).toBe('succeeded');
  } finally {
    await connection.close();
  }
});
