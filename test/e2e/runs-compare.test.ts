import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { SHOTS, openChromiumPage } from '../support/browser';
import { http, waitForRun } from '../support/http';

// A person filters the runs list, picks two runs, compares them and reads the charts; then the bell
// tells them about finished runs until they mark them read. Roles, labels and visible text only.


const chromium = openChromiumPage('runs-compare', { viewport: { width: 1500, height: 1000 } });
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

describe('runs list and comparison', () => {
  it('filters the runs list, compares two runs and shows their charts', async () => {
    // Two runs of a copy of the example, the second after a person changed the number of trees.
    const example = JSON.parse(fs.readFileSync('server/examples/penguin-species.json', 'utf8'));
    const doc = { ...example, name: 'compare-penguins' };
    doc.nodes = doc.nodes.map((n: any) => (n.id === 'ship' ? { ...n, params: { endpoint: 'compare-penguins' } } : n));
    const ids: string[] = [];
    for (const trees of [100, 40]) {
      doc.nodes = doc.nodes.map((n: any) => (n.id === 'train' ? { ...n, params: { ...n.params, trees } } : n));
      expect((await http('PUT', '/api/v1/pipelines/compare-penguins', doc)).status).toBe(200);
      const started = await http('POST', '/api/v1/pipelines/compare-penguins/runs');
      expect(started.status).toBe(202);
      ids.push(started.data.runId);
      expect((await waitForRun(started.data.runId, { timeoutMs: 300_000 })).status).toBe('succeeded');
    }
    // A run of another pipeline, which the filter must hide.
    const other = await http('POST', '/api/v1/pipelines/car-mileage/runs');
    expect(other.status).toBe(202);

    await page.goto(`${inject('baseUrl')}/`);
    await page.getByRole('link', { name: 'All runs' }).click();
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Runs' });
    await table.getByRole('cell', { name: 'car-mileage', exact: true }).first().waitFor();

    await page.getByLabel('Pipeline', { exact: true }).selectOption('compare-penguins');
    await page.getByLabel('Status', { exact: true }).selectOption('succeeded');
    await expect.poll(() => new URL(page.url()).searchParams.get('pipeline')).toBe('compare-penguins');
    expect(new URL(page.url()).searchParams.get('status')).toBe('succeeded');
    await expect.poll(() => table.getByRole('cell', { name: 'car-mileage', exact: true }).count()).toBe(0);
    for (const id of ids) await table.getByRole('link', { name: id.slice(0, 8), exact: true }).waitFor();

    // The filters survive a reload: they are in the URL.
    await page.reload();
    await expect.poll(() => page.getByLabel('Pipeline', { exact: true }).inputValue()).toBe('compare-penguins');

    const compare = page.getByRole('button', { name: /^Compare/ });
    expect(await compare.isDisabled()).toBe(true);
    for (const id of ids) await page.getByRole('checkbox', { name: `Select run ${id.slice(0, 8)} of compare-penguins` }).check();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-runs-list.png'), fullPage: true });
    await compare.click();

    await page.getByRole('heading', { name: 'Compare 2 runs of compare-penguins' }).waitFor();
    const metrics = page.getByRole('figure', { name: 'Metrics per run' });
    await metrics.waitFor();
    // Grouped bars: one series per run.
    await expect.poll(() => metrics.locator('svg .recharts-bar').count()).toBe(2);
    expect(await metrics.locator('svg .recharts-bar-rectangle').count()).toBeGreaterThan(2);
    const durations = page.getByRole('figure', { name: 'Step durations per run' });
    await expect.poll(() => durations.locator('svg .recharts-bar').count()).toBe(2);
    await page.getByRole('table', { name: 'Metrics per run' }).getByRole('rowheader', { name: 'eval · accuracy' }).waitFor();
    await page.getByRole('table', { name: 'Step durations per run' }).getByRole('rowheader', { name: 'train' }).waitFor();
    // The changed parameter is marked; unchanged ones are not.
    await page.getByRole('heading', { name: 'Parameters (1 differ)' }).waitFor();
    const trees = page.getByRole('row', { name: /^train · trees differs/ });
    await trees.waitFor();
    expect(await trees.getByRole('cell').allTextContents()).toEqual(['100', '40']);
    await page.getByRole('row', { name: /^train · target Species Species$/ }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-runs-compare.png'), fullPage: true });
    // Finished before the next test counts notifications.
    await waitForRun(other.data.runId, { timeoutMs: 300_000 });
  }, 600_000);

  it('counts unread notifications in the bell until they are marked read', async () => {
    await page.goto(`${inject('baseUrl')}/runs`);
    const bell = page.getByRole('link', { name: /^Notifications, \d+ unread$/ });
    await bell.click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Notifications' }).getByRole('link', { name: 'Run of compare-penguins succeeded' }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Mark read: Run of compare-penguins succeeded' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-notifications.png'), fullPage: true });
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Mark read: Run of compare-penguins succeeded' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
  }, 60_000);
});
