import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { SHOTS, openChromiumPage } from '../support/browser';
import { DRIFT_PIPELINE } from '../support/drift-pipeline';
import { http, waitForRun } from '../support/http';

// The run page draws a drift report: the features with scores and a drifted flag, and per feature the
// reference against the current distribution, with its numbers in a table for screen readers.

const chromium = openChromiumPage('drift-report', { viewport: { width: 1600, height: 1000 } });
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

describe('drift report on the run page', () => {
  it('shows the features, their scores and verdicts, and reference-against-current overlays', async () => {
    expect((await http('PUT', `/api/v1/pipelines/${DRIFT_PIPELINE.name}`, DRIFT_PIPELINE)).status).toBe(200);
    const started = await http('POST', `/api/v1/pipelines/${DRIFT_PIPELINE.name}/runs`);
    const run = await waitForRun(started.data.runId, { timeoutMs: 240_000 });
    expect(run.status).toBe('succeeded');
    const summary = run.steps.find((s: any) => s.nodeId === 'shifted').summary;

    await page.goto(`${inject('baseUrl')}/runs/${run.runId}`);
    const row = page.getByRole('row', { name: 'Step shifted', exact: true });
    const features = row.getByRole('table', { name: `Drift per feature: ${summary.driftedFeatures} of 5 drifted` });
    await features.waitFor();
    const tempMin = features.getByRole('row').filter({ has: page.getByRole('cell', { name: 'temp_min', exact: true }) });
    await expect.poll(() => tempMin.getByRole('cell', { name: 'Wasserstein (normalised)', exact: true }).count()).toBe(1);
    expect(await tempMin.getByRole('cell', { name: 'yes', exact: true }).count()).toBe(1);

    // Text: reference and current bars side by side per category, the numbers in a table.
    const weather = row.getByRole('figure', { name: /^weather: reference vs current/ });
    await weather.waitFor();
    await expect.poll(() => weather.locator('svg .recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(8);
    const numbers = weather.getByRole('table');
    expect(await numbers.getByRole('columnheader').allTextContents()).toEqual(['Label', 'Reference', 'Current']);
    expect(await numbers.getByRole('cell', { name: 'snow', exact: true }).count()).toBe(1);

    // Numbers: two histogram lines.
    const wind = row.getByRole('figure', { name: /^wind: reference vs current/ });
    await wind.waitFor();
    await expect.poll(() => wind.locator('svg .recharts-line').count()).toBe(2);

    await row.screenshot({ path: path.join(SHOTS, 'e2e-drift-report.png') });
  }, 300_000);
});
