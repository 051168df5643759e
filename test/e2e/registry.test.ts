import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { SHOTS, openChromiumPage } from '../support/browser';
import { http, waitForRun } from '../support/http';
import { TEST_ADMIN } from '../../server/auth/bootstrap';

// A person opens a model from the overview, compares two of its versions, downloads the model card,
// follows the lineage to the dataset version it trained on and back, and sets the dataset's "latest"
// back to an earlier version. Roles, labels and visible text only.

const DATASET = 'e2e-registry-penguins';
const PIPELINE = 'e2e-registry';
const MODEL = `${PIPELINE}.train`;

const chromium = openChromiumPage('registry', { viewport: { width: 1500, height: 1100 } });
let page: Page;

beforeAll(async () => {
  page = chromium.page;
  const all = JSON.parse(fs.readFileSync('node_modules/vega-datasets/data/penguins.json', 'utf8'));
  for (const rows of [all, all.slice(0, 250)]) {
    const res = await http('POST', `/api/v1/datasets?name=${DATASET}`, JSON.stringify(rows), { 'content-type': 'application/json' });
    expect(res.status, JSON.stringify(res.data)).toBe(201);
  }
  // Two runs, the second with fewer trees: two versions of the model, both trained on dataset version 2.
  const doc = JSON.parse(fs.readFileSync('server/examples/penguin-species.json', 'utf8'));
  doc.name = PIPELINE;
  for (const trees of [100, 20]) {
    doc.nodes = doc.nodes.map((n: { id: string; params: object }) =>
      n.id === 'load' ? { ...n, params: { dataset: DATASET } } : n.id === 'ship' ? { ...n, params: { endpoint: PIPELINE } } : n.id === 'train' ? { ...n, params: { ...n.params, trees } } : n,
    );
    expect((await http('PUT', `/api/v1/pipelines/${PIPELINE}`, doc)).status).toBe(200);
    const started = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, { ignoreCache: true });
    expect(started.status, JSON.stringify(started.data)).toBe(202);
    expect((await waitForRun(started.data.runId, { timeoutMs: 300_000 })).status).toBe('succeeded');
  }
}, 600_000);

describe('models and datasets pages', () => {
  it('opens a model from the overview and compares two versions', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByRole('link', { name: `Model ${MODEL} version 2, served by ${PIPELINE}` }).click();
    await page.getByRole('heading', { name: `${MODEL} version 2`, level: 1 }).waitFor();

    await page.getByRole('link', { name: MODEL, exact: true }).first().click();
    await page.getByRole('heading', { name: MODEL, level: 1 }).waitFor();
    await page.getByRole('checkbox', { name: 'Compare version 1' }).check();
    await page.getByRole('checkbox', { name: 'Compare version 2' }).check();
    await page.getByRole('heading', { name: 'Comparison of versions 1, 2' }).waitFor();
    const table = page.getByRole('table', { name: 'Metrics by version' });
    for (const v of [1, 2]) await table.getByRole('columnheader', { name: `Version ${v}` }).waitFor();
    await table.getByRole('rowheader', { name: 'accuracy', exact: true }).waitFor();
    const chart = page.getByRole('figure', { name: 'Metrics chart' });
    await chart.getByText('Version 1').first().waitFor();
    await chart.getByText('Version 2').first().waitFor();
    // Side by side with the metrics: how each version was trained; the rows that differ are marked.
    const params = page.getByRole('table', { name: 'Parameters by version' });
    const trees = params.getByRole('row', { name: /^trees/ });
    expect(await trees.getByRole('cell').allTextContents()).toEqual(['100', '20']);
    expect(await trees.getByRole('rowheader').textContent()).toContain('differs');
    expect(await params.getByRole('row', { name: /^seed/ }).getByRole('rowheader').textContent()).toBe('seed');
    expect(await params.getByRole('row', { name: /^trained on/ }).getByRole('cell').allTextContents()).toEqual([`${DATASET} v2`, `${DATASET} v2`]);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-registry-compare.png'), fullPage: true });
  });

  it('downloads the model card', async () => {
    await page.getByRole('link', { name: 'Version 2', exact: true }).click();
    await page.getByRole('heading', { name: `${MODEL} version 2`, level: 1 }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download model card' }).click()]);
    expect(download.suggestedFilename()).toBe(`${MODEL}-v2.md`);
    const saved = path.join(SHOTS, 'registry-model-card.md');
    await download.saveAs(saved);
    const card = fs.readFileSync(saved, 'utf8');
    expect(card).toContain(`# ${MODEL} — version 2`);
    expect(card).toContain(`${DATASET} v2`);
    const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download ONNX' }).click()]);
    expect(onnx.suggestedFilename()).toBe(`${MODEL}-v2.onnx`);
    const onnxFile = path.join(SHOTS, 'registry-model.onnx');
    await onnx.saveAs(onnxFile);
    const detail = (await http('GET', `/api/v1/models/${MODEL}/versions/2`)).data;
    expect(fs.statSync(onnxFile).size).toBe(detail.onnx.sizeBytes);
  });

  it('points an alias at a version and shows who moved it', async () => {
    await page.getByLabel('Alias').selectOption('staging');
    await page.getByRole('button', { name: 'Point alias here' }).click();
    await expect.poll(async () => (await http('GET', `/api/v1/models/${MODEL}`)).data.aliases.staging).toBe(2);
    await page.getByRole('link', { name: MODEL, exact: true }).first().click();
    const moves = page.getByRole('list', { name: 'Alias moves' });
    await moves.getByText(`staging set to version 2 by ${TEST_ADMIN.email}`).waitFor();
    // Each run's deploy step moved the production alias along with the endpoint's production slot.
    await moves.getByText(/production moved from version 1 to version 2 by run \w{8} \(deploy step ship\)/).waitFor();
    await page.getByRole('link', { name: 'Version 2', exact: true }).click();
    await page.getByRole('heading', { name: `${MODEL} version 2`, level: 1 }).waitFor();
  });

  it('follows the lineage to the dataset version and back to the model', async () => {
    const lineage = page.getByRole('region', { name: 'Lineage graph' });
    await lineage.getByRole('link', { name: `${MODEL} v2` }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-registry-version.png'), fullPage: true });
    await lineage.getByRole('link', { name: `${DATASET} v2` }).click();
    await page.getByRole('heading', { name: DATASET, level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Version 2', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('heading', { name: 'Models trained on version 2' }).waitFor();
    await page.getByRole('table', { name: 'Column statistics' }).getByRole('rowheader', { name: 'Species' }).waitFor();
    await page.getByRole('region', { name: `Rows of ${DATASET} version 2` }).getByRole('cell', { name: 'Torgersen' }).first().waitFor();
    await page.getByRole('link', { name: `${MODEL} v1` }).click();
    await page.getByRole('heading', { name: `${MODEL} version 1`, level: 1 }).waitFor();
  });

  it('follows the lineage to the endpoint that served a version and from the endpoint to the versions it served', async () => {
    // On version 1, which the endpoint served before version 2 replaced it.
    const lineage = page.getByRole('region', { name: 'Lineage graph' });
    await lineage.getByText('production before').waitFor();
    await lineage.getByRole('link', { name: PIPELINE, exact: true }).click();
    await page.getByRole('heading', { name: `Endpoint ${PIPELINE}`, level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Versions served' }).getByRole('link', { name: `${MODEL} v2` }).click();
    await page.getByRole('heading', { name: `${MODEL} version 2`, level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Lineage graph' }).getByText('production', { exact: true }).waitFor();
    await page.getByRole('link', { name: PIPELINE, exact: true }).first().waitFor();
  });

  it('sets the dataset’s latest back to an earlier version', async () => {
    await page.goto(`${inject('baseUrl')}/datasets/${DATASET}`);
    await page.getByRole('heading', { name: DATASET, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Make version 1 latest' }).click();
    await page.getByRole('button', { name: 'Make version 2 latest' }).waitFor();
    expect((await http('GET', `/api/v1/datasets/${DATASET}`)).data.version).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-registry-dataset.png'), fullPage: true });
  });
});
