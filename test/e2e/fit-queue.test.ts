import os from 'node:os';
import { expect, inject, it } from 'vitest';
import { openChromiumPage } from '../support/browser';
import { http, step, waitForRun } from '../support/http';

// The test stack's fit worker fits one model per core at once; a train step beyond that waits for a fitter
// and its run page says so.
const fitters = Math.max(1, os.availableParallelism());

const chromium = openChromiumPage('fit-queue', { viewport: { width: 1400, height: 900 } });

it('the run page shows a train step waiting for a fitter while every fitter is busy', async () => {
  const lines = ['a,b,c,label'];
  let x = 4242;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 20_000; i++) lines.push(`${rand()},${rand()},${rand()},${['p', 'q', 'r'][Math.floor(rand() * 3)]}`);
  expect((await http('POST', '/api/v1/datasets?name=queue-noise', lines.join('\n') + '\n', { 'content-type': 'text/csv' })).status).toBe(201);
  const doc = {
    apiVersion: 'millrace/v1',
    name: 'queued-fits',
    nodes: [
      { id: 'load', type: 'ingest.dataset', params: { dataset: 'queue-noise' } },
      { id: 'train', type: 'train.random_forest', params: { target: 'label', trees: 2000 } },
    ],
    edges: [{ from: 'load.table', to: 'train.table' }],
  };
  expect((await http('PUT', '/api/v1/pipelines/queued-fits', doc)).status).toBe(200);
  const runIds: string[] = [];
  for (let i = 0; i <= fitters; i++) runIds.push((await http('POST', '/api/v1/pipelines/queued-fits/runs')).data.runId);

  try {
    // A run whose fit did not get a fitter, shown on its page. Other tests' fits share the fitters, so a
    // waiting fit may get one between the check and the page: then look for the next one that waits.
    const page = chromium.page;
    let shown = false;
    for (let i = 0; i < 360 && !shown; i++) {
      let waiting: string | undefined;
      for (const id of runIds) {
        const { data } = await http('GET', `/api/v1/runs/${id}`);
        if (step(data, 'train').waitingForFitter) waiting = id;
      }
      if (!waiting) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      await page.goto(`${inject('baseUrl')}/runs/${waiting}`);
      const train = page.getByRole('row', { name: 'Step train', exact: true });
      shown = await train
        .getByText('waiting for a fitter')
        .waitFor({ timeout: 5000 })
        .then(() => true, () => false);
      if (shown) await train.getByText('running', { exact: true }).waitFor();
    }
    expect(shown, 'a run page saying its train step waits for a fitter').toBe(true);
  } finally {
    for (const id of runIds) await http('POST', `/api/v1/runs/${id}/cancel`);
    for (const id of runIds) expect((await waitForRun(id, { timeoutMs: 120_000 })).status).toBe('cancelled');
  }
});
