import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, inject, it } from 'vitest';
import { TEST_ADMIN } from '../../server/auth/bootstrap';
import { openChromiumPage } from '../support/browser';
import { http, waitForRun } from '../support/http';
import { penguin } from '../support/penguin-row';

// A person rolls an endpoint back to the version it served before, with one click on its page; the next
// predict request is answered by that version. Roles, labels and visible text only.

const chromium = openChromiumPage('endpoint-rollback', { viewport: { width: 1400, height: 1000 }, timeoutMs: 30_000 });
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const NAME = 'e2e-rollback';

it('rolls the endpoint back with one click, effective for the next request, and shows it in the history', async () => {
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = NAME;
  doc.nodes.find((n: { id: string }) => n.id === 'ship').params.endpoint = NAME;
  expect((await http('PUT', `/api/v1/pipelines/${NAME}`, doc)).status).toBe(200);
  for (let i = 0; i < 2; i++) {
    const { data } = await http('POST', `/api/v1/pipelines/${NAME}/runs`, { ignoreCache: true });
    expect((await waitForRun(data.runId)).status).toBe('succeeded');
  }
  const predict = async () => (await http('POST', `/api/v1/endpoints/${NAME}/predict`, { rows: [penguin()] })).data;
  expect((await predict()).modelVersion).toBe(2);

  await page.goto(`${inject('baseUrl')}/endpoints/${NAME}`);
  const versions = page.getByRole('region', { name: 'Versions served' });
  await versions.getByText('in production').waitFor();
  await versions.getByRole('button', { name: `Roll back to ${NAME}.train v1` }).click();
  await versions.getByRole('button', { name: `Roll back to ${NAME}.train v2` }).waitFor();
  await page.getByRole('table', { name: 'Endpoint history, newest first' }).getByRole('cell', { name: 'Rollback', exact: true }).waitFor();
  await page.screenshot({ path: 'test-results/endpoint-rollback.png' });

  expect((await predict()).modelVersion).toBe(1);
  const history = (await http('GET', `/api/v1/endpoints/${NAME}/history?limit=1`)).data.events;
  // The signed-in person is the actor (the page's session, not a name the client sent).
  expect(history[0]).toMatchObject({ kind: 'rollback', slot: 'production', actor: TEST_ADMIN.email, to: { version: 1 }, from: { version: 2 } });
});

it('scores one row typed into the "try it" form generated from the feature schema', async () => {
  await page.goto(`${inject('baseUrl')}/endpoints/${NAME}`);
  const tryIt = page.getByRole('region', { name: 'Try it' });
  const features = (await http('GET', `/api/v1/endpoints/${NAME}`)).data.features as { name: string; type: string }[];
  for (const [name, value] of Object.entries(penguin())) {
    const type = features.find((f) => f.name === name)?.type;
    await tryIt.getByLabel(`${name} (${type})`, { exact: true }).fill(String(value));
  }
  await tryIt.getByRole('button', { name: 'Predict' }).click();
  const output = tryIt.getByRole('status', { name: 'Prediction' });
  await output.getByText('Gentoo', { exact: true }).waitFor();
  await page.screenshot({ path: 'test-results/endpoint-try-it.png' });
  const expected = (await http('POST', `/api/v1/endpoints/${NAME}/predict`, { rows: [penguin()] })).data;
  expect(expected.predictions).toEqual(['Gentoo']);
  expect(await output.textContent()).toContain(`${NAME}.train v${expected.modelVersion}`);
});
