import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS, openChromiumPage } from '../support/browser';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { EVALUATE_PIPELINE } from '../support/evaluate-pipeline';
import { http, waitForRun } from '../support/http';

// The run page draws what the checking, evaluation, comparison and export steps report: charts a person
// sees and a screen reader can read, tables of failing rows, a download link. Roles and labels only.


const chromium = openChromiumPage('run-pictures', {
  viewport: { width: 1600, height: 1000 },
  context: { acceptDownloads: true },
  cspPattern: /Content Security Policy|Refused to/i,
});
let page: Page;
beforeAll(() => {
  page = chromium.page;
});
const cspViolations = chromium.cspViolations;

describe('run page pictures', () => {
  it('shows curves, residuals, comparisons, failing rows and a download link', async () => {
    expect((await http('PUT', `/api/v1/pipelines/${EVALUATE_PIPELINE.name}`, EVALUATE_PIPELINE)).status).toBe(200);
    const started = await http('POST', `/api/v1/pipelines/${EVALUATE_PIPELINE.name}/runs`);
    const run = await waitForRun(started.data.runId, { timeoutMs: 300_000 });
    expect(run.status).toBe('succeeded');

    await page.goto(`${inject('baseUrl')}/runs/${run.runId}`);
    const row = (id: string) => page.getByRole('row', { name: `Step ${id}`, exact: true });

    // Evaluation: the ROC curve is drawn (one line per class) and its numbers are in a table for screen readers.
    const roc = row('eval').getByRole('figure', { name: 'ROC curve' });
    await roc.waitFor();
    await expect.poll(() => roc.locator('svg .recharts-line').count()).toBe(3);
    const rocNumbers = roc.getByRole('table', { name: /^ROC curve: False positive rate and True positive rate per series$/ });
    expect(await rocNumbers.getByRole('row').count()).toBeGreaterThan(4);
    await row('eval').getByRole('figure', { name: 'Precision–recall curve' }).waitFor();
    const perClass = row('eval').getByRole('table', { name: 'Per class' });
    expect(await perClass.getByRole('cell', { name: 'Chinstrap', exact: true }).count()).toBe(1);
    await row('eval').getByRole('group', { name: 'ROC AUC' }).waitFor();

    // Regression: the residual plot.
    const residuals = row('evalMass').getByRole('figure', { name: /^Residuals \(\d+ of \d+ rows\)$/ });
    await residuals.waitFor();
    expect(await residuals.locator('svg .recharts-scatter-symbol').count()).toBeGreaterThan(50);

    // Comparison: side by side and the ranking chart.
    await row('compare').getByRole('table', { name: 'Models side by side' }).waitFor();
    await row('compare').getByRole('figure', { name: 'Log loss (lower is better)' }).waitFor();

    // Data checks: which expectation failed on which rows.
    const expectations = row('check').getByRole('table', { name: 'Expectations' });
    expect(await expectations.getByRole('cell', { name: 'warning', exact: true }).count()).toBe(2);
    const failing = row('check').getByRole('table', { name: '"Beak Length (mm)" is never null: 2 failing rows' });
    expect(await failing.getByRole('cell', { name: '340', exact: true }).count()).toBe(1);

    // Export: the link downloads the file under its name.
    const link = row('export').getByRole('link', { name: /^Download penguins checked\.csv/ });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('penguins checked.csv');
    const saved = path.join(SHOTS, 'run-pictures-download.csv');
    await download.saveAs(saved);
    expect(fs.readFileSync(saved, 'utf8').trimEnd().split('\n')).toHaveLength(345);

    await page.screenshot({ path: path.join(SHOTS, 'e2e-run-pictures.png'), fullPage: true });
    for (const id of ['check', 'eval', 'evalMass', 'compare', 'export']) await row(id).screenshot({ path: path.join(SHOTS, `e2e-run-pictures-${id}.png`) });
  }, 420_000);

  it('draws within the content security policy (nothing refused)', () => {
    expect(cspViolations).toEqual([]);
  });
});
