import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { SHOTS, openChromiumPage } from '../support/browser';
import { DRIFT_PIPELINE } from '../support/drift-pipeline';
import { http, waitForRun } from '../support/http';

// Drift over time: from the editor of a pipeline with drift steps to a page that draws, per step, every
// feature's score across the runs and lists the runs with their verdicts.

const chromium = openChromiumPage('drift-over-time', { viewport: { width: 1600, height: 1000 } });
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const PIPELINE = { ...DRIFT_PIPELINE, name: 'weather-drift-over-time' };

describe('drift over time', () => {
  it('draws each feature’s score across runs and lists the runs, reached from the editor', async () => {
    expect((await http('PUT', `/api/v1/pipelines/${PIPELINE.name}`, PIPELINE)).status).toBe(200);
    const runIds: string[] = [];
    for (const body of [undefined, { ignoreCache: true }]) {
      const started = await http('POST', `/api/v1/pipelines/${PIPELINE.name}/runs`, body);
      const run = await waitForRun(started.data.runId, { timeoutMs: 240_000 });
      expect(run.status).toBe('succeeded');
      runIds.push(started.data.runId);
    }

    await page.goto(`${inject('baseUrl')}/pipelines/${PIPELINE.name}`);
    await page.getByRole('link', { name: 'Drift over time' }).click();
    await page.getByRole('heading', { name: 'Drift over time' }).waitFor();

    // The shifted step: five features, one line each, and its two runs, both drifted.
    const scores = page.getByRole('figure', { name: 'shifted: drift score per feature (higher = more drift)', exact: true });
    await scores.waitFor();
    await expect.poll(() => scores.locator('svg .recharts-line').count()).toBe(5);
    const reports = page.getByRole('table', { name: 'Drift reports of step shifted, oldest first', exact: true });
    const rows = reports.getByRole('row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await reports.getByRole('link', { name: `1: run ${runIds[0]!.slice(0, 8)}` }).count()).toBe(1);
    expect(await reports.getByRole('link', { name: `2: run ${runIds[1]!.slice(0, 8)}` }).count()).toBe(1);
    expect(await reports.getByRole('cell', { name: 'drifted', exact: true }).count()).toBe(2);

    // The unshifted step has its own card; nothing drifted there.
    const stable = page.getByRole('table', { name: 'Drift reports of step unshifted, oldest first', exact: true });
    // Its methods (KS, chi-squared) give p-values, and its chart says so.
    await page.getByRole('figure', { name: 'unshifted: p-value per feature (lower = more drift)', exact: true }).waitFor();
    expect(await stable.getByRole('cell', { name: 'stable', exact: true }).count()).toBe(2);

    await page.screenshot({ path: path.join(SHOTS, 'e2e-drift-over-time.png'), fullPage: true });
  }, 400_000);
});
