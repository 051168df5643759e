import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_ADMIN } from '../../server/auth/bootstrap';
import { openChromiumPage } from '../support/browser';
import { http, step, waitForRun } from '../support/http';

// What a person does with runs on the run page: approve a waiting step with a comment, and fix a failed
// run in the editor and resume it. Roles, labels and visible text only.

const chromium = openChromiumPage('run-ops', { viewport: { width: 1600, height: 1000 }, timeoutMs: 30_000 });
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const row = (id: string) => page.getByRole('row', { name: `Step ${id}`, exact: true });

describe('run operations in the browser', () => {
  it('approves a waiting step with a comment, and the run goes on', async () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'e2e-approval',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
        { id: 'approve', type: 'control.approval', params: { instructions: 'Look at the data' } },
      ],
      edges: [],
    };
    expect((await http('PUT', '/api/v1/pipelines/e2e-approval', doc)).status).toBe(200);
    const { data } = await http('POST', '/api/v1/pipelines/e2e-approval/runs');

    await page.goto(`${inject('baseUrl')}/runs/${data.runId}`);
    const approval = row('approve').getByRole('group', { name: 'Approval of approve' });
    await approval.getByText('Waiting for a decision').waitFor();
    await approval.getByText('Look at the data').waitFor();
    await approval.getByLabel('Comment (optional)').fill('Rows look complete');
    await page.screenshot({ path: 'test-results/run-ops-approval.png' });
    await approval.getByRole('button', { name: 'Approve' }).click();

    await row('approve').getByText('Approved').waitFor();
    await row('approve').getByText(`by ${TEST_ADMIN.email}`).waitFor();
    await row('approve').getByText('“Rows look complete”').waitFor();
    await page.getByRole('status', { name: 'Run status: succeeded' }).waitFor();
    const run = (await http('GET', `/api/v1/runs/${data.runId}`)).data;
    expect(run.approvals).toMatchObject([{ nodeId: 'approve', decision: 'approve', by: TEST_ADMIN.email, comment: 'Rows look complete' }]);
  });

  it('fixes a failed run in the editor and resumes it, reusing the steps that succeeded', async () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'e2e-resume',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 0 } },
        { id: 'split', type: 'prepare.split', params: { testFraction: 0.3, seed: 5 }, position: { x: 280, y: 0 } },
        { id: 'train', type: 'train.decision_tree', params: { target: 'Species', maxDepth: 3 }, position: { x: 560, y: 0 } },
        { id: 'eval', type: 'validate.evaluate', params: {}, position: { x: 840, y: 0 } },
        { id: 'gate', type: 'validate.gate', params: { rules: [{ metric: 'acuracy', op: '>=', value: 0.5 }] }, position: { x: 1120, y: 0 } },
      ],
      edges: [
        { from: 'load.table', to: 'split.table' },
        { from: 'split.train', to: 'train.table' },
        { from: 'train.model', to: 'eval.model' },
        { from: 'split.test', to: 'eval.table' },
        { from: 'eval.metrics', to: 'gate.metrics' },
      ],
    };
    expect((await http('PUT', '/api/v1/pipelines/e2e-resume', doc)).status).toBe(200);
    const failed = await waitForRun((await http('POST', '/api/v1/pipelines/e2e-resume/runs')).data.runId);
    expect(failed.status).toBe('failed');

    await page.goto(`${inject('baseUrl')}/runs/${failed.runId}`);
    await page.getByRole('link', { name: 'Fix and resume' }).click();
    await page.getByRole('note', { name: 'Fix and resume' }).waitFor();
    await page.getByRole('group', { name: 'Step gate', exact: true }).click();
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByLabel('Metric', { exact: true }).fill('accuracy');
    await page.screenshot({ path: 'test-results/run-ops-fix.png' });
    await page.getByRole('button', { name: 'Save and resume' }).click();

    await page.waitForURL((url) => url.pathname.startsWith('/runs/') && !url.pathname.endsWith(failed.runId));
    await page.getByRole('status', { name: 'Run status: succeeded' }).waitFor({ timeout: 120_000 });
    await page.getByText('Resumes failed run').waitFor();
    for (const id of ['load', 'split', 'train', 'eval']) await row(id).getByText('reused', { exact: true }).waitFor();
    expect(await row('gate').getByText('reused', { exact: true }).count()).toBe(0);

    await page.screenshot({ path: 'test-results/run-ops-resumed.png' });
    const resumedId = page.url().split('/runs/')[1]!;
    const resumed = (await http('GET', `/api/v1/runs/${resumedId}`)).data;
    expect(resumed.rerunOf).toBe(failed.runId);
    expect(step(resumed, 'train').cachedFrom).toBe(failed.runId);

    // And back: the failed run links to the run that resumed it.
    await page.getByRole('link', { name: failed.runId.slice(0, 8) }).first().click();
    await page.getByText('Resumed by run').waitFor();
  });
});

describe('advanced settings in the inspector', () => {
  it('shows the catalog defaults, and saves a node’s retry, timeout and cache overrides in the document', async () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'e2e-settings',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 0 } },
        { id: 'split', type: 'prepare.split', params: {}, position: { x: 280, y: 0 } },
      ],
      edges: [{ from: 'load.table', to: 'split.table' }],
    };
    expect((await http('PUT', '/api/v1/pipelines/e2e-settings', doc)).status).toBe(200);
    await page.goto(`${inject('baseUrl')}/pipelines/e2e-settings`);
    await page.getByRole('group', { name: 'Step split', exact: true }).click();
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByText('Advanced settings').click();
    const attempts = inspector.getByLabel('Maximum attempts');
    expect(await attempts.getAttribute('placeholder')).toBe('Default: 3');
    expect(await inspector.getByLabel('Timeout per attempt (seconds)').getAttribute('placeholder')).toBe('Default: 600');
    await attempts.fill('0');
    await inspector.getByText('maximumAttempts must be at least 1').waitFor();
    await attempts.fill('5');
    await inspector.getByLabel('Timeout per attempt (seconds)').fill('90');
    await inspector.getByRole('checkbox', { name: /Reuse an identical earlier result/ }).uncheck();
    await page.screenshot({ path: 'test-results/run-ops-settings.png' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /Saved version 2/ }).waitFor();

    const saved = (await http('GET', '/api/v1/pipelines/e2e-settings')).data;
    expect(saved.document.nodes.find((n: any) => n.id === 'split')).toMatchObject({ retry: { maximumAttempts: 5 }, timeoutSeconds: 90, cache: false });
    // A dataset step is cacheable once a version is pinned, so it offers the toggle too.
    await page.getByRole('group', { name: 'Step load', exact: true }).click();
    await inspector.getByText('Advanced settings').click();
    await inspector.getByRole('checkbox', { name: /Reuse an identical earlier result/ }).waitFor();
  });
});
