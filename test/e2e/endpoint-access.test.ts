import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, inject, it } from 'vitest';
import { openChromiumPage } from '../support/browser';
import { http, waitForRun } from '../support/http';
import { penguin } from '../support/penguin-row';

// A deployer opens an endpoint's predict to anyone on its page and closes it again; the example request
// shows the Authorization header exactly while the endpoint takes tokens. Roles, labels and visible text only.

const chromium = openChromiumPage('endpoint-access', { viewport: { width: 1400, height: 1000 }, timeoutMs: 30_000 });
let page: Page;
const NAME = 'e2e-access';
const predictAnonymously = async () => (await http('POST', `/api/v1/endpoints/${NAME}/predict`, { rows: [penguin()] }, {}, { as: 'anonymous' })).status;

beforeAll(async () => {
  page = chromium.page;
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = NAME;
  doc.nodes.find((n: { id: string }) => n.id === 'ship').params.endpoint = NAME;
  expect((await http('PUT', `/api/v1/pipelines/${NAME}`, doc)).status).toBe(200);
  const { data } = await http('POST', `/api/v1/pipelines/${NAME}/runs`);
  expect((await waitForRun(data.runId)).status).toBe('succeeded');
}, 300_000);

it('switches who may call predict from the endpoint page, and the example request follows', async () => {
  await page.goto(`${inject('baseUrl')}/endpoints/${NAME}`);
  const card = page.getByRole('region', { name: 'Who may call predict' });
  const access = card.getByRole('combobox', { name: 'Predict access' });
  const sample = card.getByLabel('Example predict request');
  await sample.getByText('Authorization: Bearer $MILLRACE_TOKEN', { exact: false }).waitFor();
  expect(await access.inputValue()).toBe('token');
  expect(await sample.textContent()).toContain(`${inject('baseUrl')}/api/v1/endpoints/${NAME}/predict`);
  expect(await predictAnonymously()).toBe(401);

  await access.selectOption({ label: 'Anyone who can reach Millrace (public)' });
  await expect.poll(async () => (await http('GET', `/api/v1/endpoints/${NAME}`)).data.access).toBe('public');
  await expect.poll(async () => (await sample.textContent()) ?? '').not.toContain('Authorization');
  expect(await predictAnonymously()).toBe(200);

  // The "try it" form still scores, whatever the access.
  const tryIt = page.getByRole('region', { name: 'Try it' });
  const features = (await http('GET', `/api/v1/endpoints/${NAME}`)).data.features as { name: string; type: string }[];
  for (const [name, value] of Object.entries(penguin())) {
    await tryIt.getByLabel(`${name} (${features.find((f) => f.name === name)?.type})`, { exact: true }).fill(String(value));
  }
  await tryIt.getByRole('button', { name: 'Predict' }).click();
  await tryIt.getByRole('status', { name: 'Prediction' }).getByText('Gentoo', { exact: true }).waitFor();

  await access.selectOption({ label: 'API tokens and signed-in members of this workspace' });
  await sample.getByText('Authorization: Bearer $MILLRACE_TOKEN', { exact: false }).waitFor();
  await expect.poll(predictAnonymously).toBe(401);
  await page.screenshot({ path: 'test-results/endpoint-access.png' });
});
