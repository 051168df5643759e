import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { openChromiumPage, SHOTS } from '../support/browser';
import { http, waitForRun } from '../support/http';

// Datasets uploaded from the browser, and the tables a run's steps wrote, looked at in the editor and on
// the run page; "preview up to here" runs only the part of the pipeline a step needs.

const chromium = openChromiumPage('data-preview-upload');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const CITIES = ['city,country,population,area_km2', 'Lisbon,Portugal,545000,100.05', 'Porto,Portugal,232000,41.42', 'Braga,Portugal,193000,183.4', 'Vigo,Spain,296000,109.06'].join('\n') + '\n';

/** What a person's drop of a file does: dragenter, dragover and drop carrying the file. */
async function dropFile(target: ReturnType<Page['getByRole']>, fileName: string, text: string, type: string) {
  await target.evaluate(
    (el, { fileName, text, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], fileName, { type }));
      for (const kind of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(kind, { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { fileName, text, type },
  );
}

describe('uploading a dataset from the browser', () => {
  it('takes a dropped CSV, shows the upload reach 100 %, and links to the new dataset with its versions, schema and rows', async () => {
    await page.goto(`${inject('baseUrl')}/datasets`);
    await page.getByRole('button', { name: 'Upload dataset' }).click();
    const dialog = page.getByRole('dialog', { name: 'Upload dataset' });
    await dropFile(dialog.getByRole('group', { name: 'Drop a file here' }), 'E2E Cities.csv', CITIES, 'text/csv');
    // The name comes from the file name, made into a dataset name.
    const name = dialog.getByRole('textbox', { name: 'Dataset name' });
    await expect.poll(() => name.inputValue()).toBe('e2e-cities');
    // Checked as it is typed.
    await name.fill('E2E Cities');
    await dialog.getByText('Use lowercase letters: "e2e cities"').waitFor();
    expect(await dialog.getByRole('button', { name: 'Upload', exact: true }).isDisabled()).toBe(true);
    await name.fill('e2e-cities');
    await dialog.getByText('A new dataset.').waitFor();

    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    const done = dialog.getByRole('status');
    await done.getByText('Uploaded:').waitFor();
    expect(await dialog.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('100');
    await dialog.getByText(/\(100 %\)/).waitFor();
    await done.getByText('4 rows × 4 columns').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-upload-dialog.png') });

    await done.getByRole('link', { name: 'e2e-cities version 1' }).click();
    await page.waitForURL(/\/datasets\/e2e-cities\?version=1$/);
    await page.getByRole('button', { name: 'Version 1' }).waitFor();
    const stats = page.getByRole('table', { name: 'Column statistics' });
    await stats.getByRole('rowheader', { name: 'population' }).waitFor();
    await page.getByRole('img', { name: /^Histogram of population: / }).waitFor();
    await page.getByRole('img', { name: /^Top values of country: Portugal 3, Spain 1/ }).waitFor();
    await page.getByRole('region', { name: 'Rows of e2e-cities version 1' }).getByRole('cell', { name: 'Braga', exact: true }).waitFor();
  }, 120_000);

  it('refuses a ragged CSV, naming the line and what to do, and creates nothing', async () => {
    await page.goto(`${inject('baseUrl')}/datasets`);
    await page.getByRole('button', { name: 'Upload dataset' }).click();
    const dialog = page.getByRole('dialog', { name: 'Upload dataset' });
    await dialog.getByLabel('Choose a file').setInputFiles({ name: 'ragged-upload.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,3\n4,5\n6,7,8\n') });
    await expect.poll(() => dialog.getByRole('textbox', { name: 'Dataset name' }).inputValue()).toBe('ragged-upload');
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    const alert = dialog.getByRole('alert');
    await alert.getByText(/^Not uploaded: .*line 3 has 2 values, expected 3/).waitFor();
    await alert.getByText('Fix line 3 of the file', { exact: false }).waitFor();
    await alert.getByText('Nothing was created.').waitFor();
    expect((await http('GET', '/api/v1/datasets/ragged-upload')).status).toBe(404);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  }, 60_000);
  it('refuses a file over the server\'s limit before sending any of it', async () => {
    await page.goto(`${inject('baseUrl')}/datasets`);
    await page.getByRole('button', { name: 'Upload dataset' }).click();
    const dialog = page.getByRole('dialog', { name: 'Upload dataset' });
    const limit = inject('maxUploadBytes');
    // Made in the page (no bytes cross the test's connection): one byte over the stack's limit.
    await dialog.getByRole('group', { name: 'Drop a file here' }).evaluate((el, size) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(size)], 'too-big.csv', { type: 'text/csv' }));
      for (const kind of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(kind, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, limit + 1);
    await dialog.getByRole('alert').getByText(/^This file is larger than the server takes \(64(\.0)? MiB, MILLRACE_MAX_UPLOAD_BYTES\): Upload a smaller file/).waitFor();
    expect(await dialog.getByRole('button', { name: 'Upload', exact: true }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await http('GET', '/api/v1/datasets/too-big')).status).toBe(404);
  }, 60_000);
});

describe('cancelling an upload', () => {
  it('shows bytes and percent as the file goes, and Cancel stops it with nothing created', async () => {
    await page.goto(`${inject('baseUrl')}/datasets`);
    // A slow uplink, so the upload is still going when Cancel is pressed.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    try {
      await page.getByRole('button', { name: 'Upload dataset' }).click();
      const dialog = page.getByRole('dialog', { name: 'Upload dataset' });
      const big = 'id,value\n' + Array.from({ length: 200_000 }, (_, i) => `${i},${i * 3}`).join('\n') + '\n';
      await dialog.getByLabel('Choose a file').setInputFiles({ name: 'slow-upload.csv', mimeType: 'text/csv', buffer: Buffer.from(big) });
      await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
      await dialog.getByText(/^[\d.]+ (KiB|MiB|bytes) of [\d.]+ MiB \((\d|[1-9]\d) %\)$/).waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      // Back to choosing: the file and name stay, ready to try again.
      await expect.poll(() => dialog.getByRole('progressbar').count()).toBe(0);
      expect(await dialog.getByRole('button', { name: 'Upload', exact: true }).isEnabled()).toBe(true);
      expect(await dialog.getByRole('textbox', { name: 'Dataset name' }).inputValue()).toBe('slow-upload');
      expect(await dialog.getByRole('alert').count()).toBe(0);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
    }
    expect((await http('GET', '/api/v1/datasets/slow-upload')).status).toBe(404);
  }, 60_000);
});

describe('data previews of a run', () => {
  const NAME = 'e2e-data-preview';
  const FOLLOWER = 'e2e-preview-follower';
  const doc = {
    apiVersion: 'millrace/v1',
    name: NAME,
    nodes: [
      { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 100 } },
      { id: 'split', type: 'prepare.split', params: { testFraction: 0.2, seed: 7, stratifyBy: 'Species' }, position: { x: 300, y: 100 } },
      { id: 'train', type: 'train.decision_tree', params: { target: 'Species' }, position: { x: 600, y: 40 } },
      { id: 'eval', type: 'validate.evaluate', params: {}, position: { x: 900, y: 100 } },
    ],
    edges: [
      { from: 'load.table', to: 'split.table' },
      { from: 'split.train', to: 'train.table' },
      { from: 'train.model', to: 'eval.model' },
      { from: 'split.test', to: 'eval.table' },
    ],
  };
  let previewRunId = '';
  let trainRows = 0;

  it('"Preview up to here" on a middle step runs only it and its ancestors, then opens its output with types, statistics and paged rows', async () => {
    expect((await http('PUT', `/api/v1/pipelines/${NAME}`, doc)).status).toBeLessThan(300);
    // A pipeline that runs whenever this one succeeds: a preview must not start it.
    const follower = { apiVersion: 'millrace/v1', name: FOLLOWER, nodes: [{ id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } }], edges: [] };
    expect((await http('PUT', `/api/v1/pipelines/${FOLLOWER}`, follower)).status).toBeLessThan(300);
    expect((await http('POST', `/api/v1/pipelines/${FOLLOWER}/triggers`, { kind: 'pipeline', afterPipeline: NAME })).status).toBe(201);
    await page.goto(`${inject('baseUrl')}/pipelines/${NAME}`);
    await page.getByRole('group', { name: 'Step split', exact: true }).click();
    await page.getByRole('tab', { name: 'Data' }).click();
    await page.getByText('No run has produced this step’s tables yet.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Preview up to here' }).click();

    // Opened by itself when the preview run is done.
    const dialog = page.getByRole('dialog', { name: 'split.train' });
    await dialog.waitFor({ timeout: 120_000 });
    const runs = await http<{ runs: { runId: string; previewUpTo: string | null; trigger: string }[] }>('GET', `/api/v1/runs?pipeline=${NAME}`);
    expect(runs.data.runs).toHaveLength(1);
    previewRunId = runs.data.runs[0]!.runId;
    expect(runs.data.runs[0]!.previewUpTo).toBe('split');
    const run = await waitForRun(previewRunId);
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((s: { nodeId: string }) => s.nodeId).sort()).toEqual(['load', 'split']);
    // The overview's "last run" is the pipeline's own runs, not a look at the data.
    const listed = await http<{ pipelines: { name: string; lastRun?: unknown }[] }>('GET', '/api/v1/pipelines');
    expect(listed.data.pipelines.find((p) => p.name === NAME)?.lastRun).toBeUndefined();

    const stats = await http<{ rows: number; columns: { name: string; type: string }[] }>('GET', `/api/v1/runs/${previewRunId}/steps/split/outputs/train/stats`);
    expect(stats.status).toBe(200);
    trainRows = stats.data.rows;
    expect(trainRows).toBeGreaterThan(200); // more than one page
    expect(trainRows).toBeLessThan(344);
    await dialog.getByText(`${trainRows} rows × ${stats.data.columns.length} columns`, { exact: false }).waitFor();
    await expectPreview(dialog);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-output-preview.png') });
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The Data view now names the run; an edit to the step makes its outputs "changed since".
    const outputs = page.getByRole('region', { name: 'Outputs of split' });
    await outputs.getByRole('link', { name: `run ${previewRunId.slice(0, 8)}` }).waitFor();
    await outputs.getByText('(preview up to split)', { exact: false }).waitFor();
    expect(await outputs.getByText('changed since').count()).toBe(0);
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('textbox', { name: 'Test fraction' }).fill('0.3');
    await page.getByRole('tab', { name: 'Data' }).click();
    await outputs.getByText('changed since').waitFor();
    // Undone, the step is as the run had it again.
    for (let i = 0; i < 5 && (await outputs.getByText('changed since').count()) > 0; i++) await page.getByRole('button', { name: 'Undo' }).click();
    expect(await outputs.getByText('changed since').count()).toBe(0);

    await page.goto(`${inject('baseUrl')}/runs`);
    await page.getByRole('row').filter({ hasText: NAME }).first().getByText('preview up to split').waitFor();
  }, 240_000);

  it('opens the same preview from the run page', async () => {
    await page.goto(`${inject('baseUrl')}/runs/${previewRunId}`);
    await page.getByText('preview up to split: only it and the steps it depends on ran', { exact: false }).waitFor();
    // The graph shows what ran: the steps after split were never part of the preview.
    await page.getByRole('group', { name: 'Step split: succeeded' }).waitFor();
    expect(await page.getByRole('group', { name: /^Step (train|eval):/ }).count()).toBe(0);
    await page.getByRole('button', { name: `Preview split.train: ${trainRows} rows, 7 columns` }).click();
    await expectPreview(page.getByRole('dialog', { name: 'split.train' }));
  }, 60_000);

  it('starts no pipeline that follows on success, as the full run after it does', async () => {
    const full = await http<{ runId: string }>('POST', `/api/v1/pipelines/${NAME}/runs`);
    expect(full.status).toBe(202);
    expect((await waitForRun(full.data.runId)).status).toBe('succeeded');
    // The follower's runs, once the full run's has appeared: only that one.
    let followerRuns: { runId: string }[] = [];
    for (let i = 0; i < 120 && followerRuns.length === 0; i++) {
      followerRuns = (await http('GET', `/api/v1/runs?pipeline=${FOLLOWER}`)).data.runs;
      if (followerRuns.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(followerRuns).toHaveLength(1);
    const origin = (await http('GET', `/api/v1/runs/${followerRuns[0]!.runId}`)).data.origin;
    expect(origin.payload.afterRun).toBe(full.data.runId);
  }, 180_000);

  it('refuses to preview up to a deploy step, or a step that is not there, and records no run', async () => {
    const before = (await http('GET', '/api/v1/runs?pipeline=penguin-species')).data.runs.length;
    const ship = await http('POST', '/api/v1/pipelines/penguin-species/runs', { upTo: 'ship' });
    expect(ship.status).toBe(400);
    expect(ship.data.error).toMatch(/Cannot preview up to "ship": it deploys a model/);
    const missing = await http('POST', '/api/v1/pipelines/penguin-species/runs', { upTo: 'nope' });
    expect(missing.status).toBe(400);
    expect(missing.data.error).toMatch(/There is no step "nope"/);
    expect((await http('GET', '/api/v1/runs?pipeline=penguin-species')).data.runs.length).toBe(before);
  }, 60_000);
});

describe('uploading from the Dataset step', () => {
  it('"Upload…" beside the dataset picker uploads a file and picks the new dataset', async () => {
    await page.goto(`${inject('baseUrl')}/pipelines/e2e-data-preview`);
    await page.getByRole('group', { name: 'Step load', exact: true }).click();
    await page.getByRole('button', { name: 'Upload…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Upload dataset' });
    await dialog.getByLabel('Choose a file').setInputFiles({ name: 'Step Upload.csv', mimeType: 'text/csv', buffer: Buffer.from(CITIES) });
    await expect.poll(() => dialog.getByRole('textbox', { name: 'Dataset name' }).inputValue()).toBe('step-upload');
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    await dialog.getByRole('status').getByText('step-upload version 1').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.getByRole('combobox', { name: 'Dataset' }).inputValue()).toBe('step-upload');
  }, 60_000);
});

/** Column types in the header, a histogram of a numeric column, and rows past the first page once scrolled to. */
async function expectPreview(dialog: ReturnType<Page['getByRole']>) {
  await dialog.getByRole('columnheader', { name: /^Body Mass \(g\)\s*(BIGINT|DOUBLE)$/ }).waitFor();
  await dialog.getByRole('img', { name: /^Histogram of Body Mass \(g\): / }).waitFor();
  await dialog.getByRole('img', { name: /^Top values of Species: Adelie / }).waitFor();
  const rows = dialog.getByRole('region', { name: 'Rows of split.train' });
  await rows.getByRole('row').nth(2).getByRole('cell').nth(1).filter({ hasNotText: '…' }).waitFor();
  await rows.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  // The last row is beyond the first page of 200: its values arrive with the next page.
  await expect
    .poll(async () => {
      const cells = await rows.getByRole('row').last().getByRole('cell').allInnerTexts();
      return cells.length > 1 && Number(cells[0]) > 200 && !cells.slice(1).includes('…');
    })
    .toBe(true);
}

