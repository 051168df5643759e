import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, inject, it } from 'vitest';
import { SHOTS, openChromiumPage } from '../support/browser';
import { http, waitForRun } from '../support/http';
import { TEST_ADMIN } from '../../server/auth/bootstrap';

// A person follows an endpoint to the model versions it served and back, and sees the model's aliases
// follow the endpoint's slots: moved by each deploy step, and moved back by a rollback clicked on the
// endpoint page. Roles, labels and visible text only.

const NAME = 'e2e-links';
const MODEL = `${NAME}.train`;

const chromium = openChromiumPage('registry-links', { viewport: { width: 1400, height: 1100 }, timeoutMs: 30_000 });
let page: Page;

beforeAll(async () => {
  page = chromium.page;
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = NAME;
  // Versions 1 and 2 to production, version 3 to staging.
  for (const slot of ['production', 'production', 'staging']) {
    doc.nodes.find((n: { id: string }) => n.id === 'ship').params = { endpoint: NAME, slot };
    expect((await http('PUT', `/api/v1/pipelines/${NAME}`, doc)).status).toBe(200);
    const { data } = await http('POST', `/api/v1/pipelines/${NAME}/runs`, { ignoreCache: true });
    expect((await waitForRun(data.runId)).status).toBe('succeeded');
  }
}, 600_000);

it('lists every version the endpoint served, per slot, each linked to its page in the registry', async () => {
  await page.goto(`${inject('baseUrl')}/endpoints/${NAME}`);
  const versions = page.getByRole('region', { name: 'Versions served' });
  await versions.getByText('in production').waitFor();
  await versions.getByText('in staging').waitFor();
  await versions.getByRole('button', { name: `Roll back to ${MODEL} v1` }).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'e2e-registry-links-endpoint.png'), fullPage: true });

  await versions.getByRole('link', { name: `${MODEL} v3` }).click();
  await page.getByRole('heading', { name: `${MODEL} version 3`, level: 1 }).waitFor();
  const lineage = page.getByRole('region', { name: 'Lineage graph' });
  await lineage.getByText('staging', { exact: true }).waitFor();
  await lineage.getByRole('link', { name: NAME, exact: true }).click();
  await page.getByRole('heading', { name: `Endpoint ${NAME}`, level: 1 }).waitFor();
});

it('moves the production alias back when the endpoint is rolled back, and says it was the rollback', async () => {
  const versions = page.getByRole('region', { name: 'Versions served' });
  await versions.getByRole('button', { name: `Roll back to ${MODEL} v1` }).click();
  await versions.getByRole('button', { name: `Roll back to ${MODEL} v2` }).waitFor();
  expect((await http('GET', `/api/v1/models/${MODEL}`)).data.aliases).toEqual({ production: 1, staging: 3 });

  await page.goto(`${inject('baseUrl')}/models/${MODEL}`);
  const moves = page.getByRole('list', { name: 'Alias moves' });
  await moves.getByText(`production moved from version 2 to version 1 by rollback of endpoint ${NAME} by ${TEST_ADMIN.email}`).waitFor();
  await moves.getByText(/staging set to version 3 by run \w{8} \(deploy step ship\)/).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'e2e-registry-links-aliases.png'), fullPage: true });
  await moves.getByRole('link', { name: NAME, exact: true }).click();
  await page.getByRole('heading', { name: `Endpoint ${NAME}`, level: 1 }).waitFor();
});
