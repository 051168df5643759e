import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, inject, it } from 'vitest';
import { openChromiumPage } from '../support/browser';
import { http, waitForRun } from '../support/http';
import { penguin } from '../support/penguin-row';

// A person opens an endpoint's page and reads its metrics: an empty state before any request, then per slot
// the request count, error rate and latency percentiles, and charts named by their captions. Roles, labels
// and visible text only.

const chromium = openChromiumPage('endpoint-metrics', { viewport: { width: 1400, height: 1200 }, timeoutMs: 30_000 });
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const NAME = 'e2e-metrics';

it('shows an empty state, then the requests, error rate, latency and predictions charts of the chosen window', async () => {
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = NAME;
  doc.nodes.find((n: { id: string }) => n.id === 'ship').params.endpoint = NAME;
  expect((await http('PUT', `/api/v1/pipelines/${NAME}`, doc)).status).toBe(200);
  const { data } = await http('POST', `/api/v1/pipelines/${NAME}/runs`, { ignoreCache: true });
  expect((await waitForRun(data.runId)).status).toBe('succeeded');

  await page.goto(`${inject('baseUrl')}/endpoints/${NAME}`);
  const metrics = page.getByRole('region', { name: 'Metrics' });
  await metrics.getByText('No requests in the last hour').waitFor();

  for (let i = 0; i < 3; i++) expect((await http('POST', `/api/v1/endpoints/${NAME}/predict`, { rows: [penguin()] })).status).toBe(200);
  expect((await http('POST', `/api/v1/endpoints/${NAME}/predict`, { rows: [{}] })).status).toBe(400);
  // The log is written in the background: wait until the API counts all four before reading the page.
  const deadline = Date.now() + 30_000;
  let api: any;
  do {
    api = (await http('GET', `/api/v1/endpoints/${NAME}/metrics`)).data;
    if (api.slots[0]?.requests === 4) break;
    await new Promise((r) => setTimeout(r, 250));
  } while (Date.now() < deadline);
  expect(api.slots[0]).toMatchObject({ slot: 'production', requests: 4, errors: 1 });

  await metrics.getByLabel('Window').selectOption({ label: 'Last day' });
  const production = metrics.getByRole('region', { name: 'Production' });
  await production.getByRole('figure', { name: /^Requests and errors, production: 4 requests, 1 errors$/ }).waitFor();
  await production.getByRole('figure', { name: /^Latency, production: p50 .* ms, p95 .* ms, p99 .* ms$/ }).waitFor();
  await production.getByRole('figure', { name: 'Predictions over time, production: Gentoo 3' }).waitFor();
  expect(await production.getByText('25% (1)', { exact: true }).isVisible()).toBe(true);
  expect(await production.getByRole('definition').filter({ hasText: /^4$/ }).count()).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/endpoint-metrics.png' });
});
