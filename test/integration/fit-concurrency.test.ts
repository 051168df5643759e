import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';
import { pendingFit, processAlive } from '../support/processes';

// The test stack's fit worker runs with the default MILLRACE_FIT_CONCURRENCY: one fit per core.
const fitters = Math.max(1, os.availableParallelism());

it('fits of several runs run at once, one process each, and a fit beyond the fitters waits for one', async () => {
  const lines = ['a,b,c,label'];
  let x = 777;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 20_000; i++) lines.push(`${rand()},${rand()},${rand()},${['p', 'q', 'r'][Math.floor(rand() * 3)]}`);
  const upload = await http('POST', '/api/v1/datasets?name=concurrency-noise', lines.join('\n') + '\n', { 'content-type': 'text/csv' });
  expect(upload.status, JSON.stringify(upload.data)).toBe(201);
  const doc = {
    apiVersion: 'millrace/v1',
    name: 'concurrent-fits',
    nodes: [
      { id: 'load', type: 'ingest.dataset', params: { dataset: 'concurrency-noise' } },
      { id: 'train', type: 'train.random_forest', params: { target: 'label', trees: 2000 } },
    ],
    edges: [{ from: 'load.table', to: 'train.table' }],
  };
  expect((await http('PUT', '/api/v1/pipelines/concurrent-fits', doc)).status).toBe(200);
  const runIds: string[] = [];
  for (let i = 0; i <= fitters; i++) runIds.push((await http('POST', '/api/v1/pipelines/concurrent-fits/runs')).data.runId);

  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const client = new Client({ connection });
    // Wait until every fitter has taken a fit (each in its own live process) while one more run's train
    // step is shown waiting for a fitter.
    let seen: { pids: number[]; waiting: string } | undefined;
    const deadline = Date.now() + 180_000;
    while (!seen && Date.now() < deadline) {
      const fits = await Promise.all(runIds.map((id) => pendingFit(client, id)));
      const pids = fits.filter((f) => f?.started && f.pid && processAlive(f.pid)).map((f) => f!.pid!);
      const views = await Promise.all(runIds.map(async (id) => (await http('GET', `/api/v1/runs/${id}`)).data));
      const waiting = views.filter((v) => step(v, 'train').waitingForFitter === true);
      // None finishes meanwhile (the fits take far longer than this takes to see).
      for (const v of views) expect(['queued', 'running'], JSON.stringify(v)).toContain(v.status);
      if (new Set(pids).size === fitters && waiting.length === 1) seen = { pids, waiting: waiting[0].runId };
      else await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen, 'all fitters busy and one fit waiting').toBeDefined();
    // The waiting fit's activity is scheduled, not started.
    expect((await pendingFit(client, seen!.waiting))?.started).toBe(false);

    // Done: cancel them all; every fit process is gone afterwards.
    for (const id of runIds) expect((await http('POST', `/api/v1/runs/${id}/cancel`)).status).toBe(202);
    for (const id of runIds) expect((await waitForRun(id, { timeoutMs: 120_000 })).status).toBe('cancelled');
    for (const pid of seen!.pids) expect(processAlive(pid)).toBe(false);
  } finally {
    await connection.close();
  }
});
