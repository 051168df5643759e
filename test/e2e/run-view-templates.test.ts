import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { openChromiumPage, SHOTS } from '../support/browser';
import { http, waitForRun } from '../support/http';

// A new pipeline from a template, run, and read on the run page: the timeline of its steps, and a step's
// details (parameters, live log, error) beside the graph.

const chromium = openChromiumPage('run-view-templates');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const node = (id: string) => page.getByRole('group', { name: new RegExp(`^Step ${id}(:|$)`) });
const drawer = (id: string) => page.getByRole('complementary', { name: `Step details: ${id}` });
const STEPS = ['load', 'split', 'train', 'eval', 'gate', 'ship'];

describe('a new pipeline from the classification template', () => {
  it('opens unsaved under the chosen name, runs, and its run page has a bar per step and the train step’s parameters and log', async () => {
    const name = 'from-template';
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByRole('button', { name: 'From a template', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New pipeline' });
    await dialog.getByLabel('Pipeline name', { exact: true }).fill('penguin-species');
    await dialog.getByText('A pipeline named “penguin-species” exists.').waitFor();
    expect(await dialog.getByRole('button', { name: 'Create pipeline' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Pipeline name', { exact: true }).fill(name);
    for (const title of ['Blank', 'Classification with gate and deploy', 'Regression', 'Feature engineering', 'Clustering']) {
      await dialog.getByRole('radio', { name: title, exact: true }).waitFor();
    }
    await dialog.getByRole('radio', { name: 'Classification with gate and deploy', exact: true }).check();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-new-pipeline-templates.png') });
    await dialog.getByRole('button', { name: 'Create pipeline' }).click();
    await page.waitForURL(new RegExp(`/pipelines/${name}\\?template=classification$`));

    for (const id of STEPS) await node(id).waitFor();
    await page.getByText('● Unsaved changes').waitFor();
    expect((await http('GET', `/api/v1/pipelines/${name}`)).status).toBe(404);

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    const runId = page.url().split('/').at(-1)!;
    expect((await http('GET', `/api/v1/pipelines/${name}`)).data.version).toBe(1);

    // Opened while the run goes on: the log fills in as the step works.
    await page.getByRole('button', { name: 'Details of step train' }).click();
    const train = drawer('train');
    await train.waitFor();
    const params = train.getByRole('table', { name: 'Parameters of step train' });
    await params.getByRole('row', { name: /^target Species$/ }).waitFor();
    await params.getByRole('row', { name: /^trees 50$/ }).waitFor();
    const log = train.getByRole('list', { name: 'Log of step train' });
    await log.getByText(/fit started: random_forest predicting "Species" on \d+ rows × 7 columns/).waitFor({ timeout: 120_000 });
    await log.getByText(/fit finished in [\d.]+ s \(attempt 1\): \d+ rows, 6 features → model/).waitFor({ timeout: 180_000 });
    await page.getByRole('status', { name: 'Run status: succeeded' }).waitFor({ timeout: 240_000 });
    await train.getByRole('button', { name: 'Close step details' }).click();
    await train.waitFor({ state: 'detached' });

    // The timeline: one bar per step, in the figure's table for screen readers.
    const timeline = page.getByRole('figure', { name: 'Step timeline' });
    const rows = timeline.getByRole('row');
    expect(await rows.count()).toBe(STEPS.length + 1);
    for (const id of STEPS) await timeline.getByRole('cell', { name: id, exact: true }).waitFor();
    expect(await timeline.getByRole('cell', { name: 'succeeded', exact: true }).count()).toBe(STEPS.length);

    // Captions say how long each step took (and on which attempt, when it was retried).
    await node('train').getByText(/^[\d.]+ m?s · /).waitFor();
    expect(await node('train').getByText(/attempt/).count()).toBe(0);

    // A click on a node opens its details too; an evaluate step draws its scores as bars.
    await node('eval').click();
    await drawer('eval').getByRole('figure', { name: 'Metrics' }).waitFor();
    // (Its outputs may come from the step cache, when another pipeline evaluated the same model on the same rows.)
    await drawer('eval').getByRole('list', { name: 'Log of step eval' }).getByText(/^(metrics of .* accuracy \d|Reused the outputs of run )/).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-run-view-drawer.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await drawer('eval').waitFor({ state: 'detached' });

    // The same lines over REST, with tailing by `after`.
    const logs = await http<{ lines: { id: number; message: string; level: string; attempt: number }[]; after: number; more: boolean }>(
      'GET',
      `/api/v1/runs/${runId}/steps/train/logs`,
    );
    expect(logs.status).toBe(200);
    expect(logs.data.lines.map((l) => l.message)).toEqual([expect.stringMatching(/^fit started: /), expect.stringMatching(/^fit finished in /)]);
    expect(logs.data.lines.every((l) => l.attempt === 1 && l.level === 'info')).toBe(true);
    const first = await http('GET', `/api/v1/runs/${runId}/steps/train/logs?limit=1`);
    expect(first.data).toEqual({ lines: [logs.data.lines[0]], after: logs.data.lines[0]!.id, more: true });
    const later = await http('GET', `/api/v1/runs/${runId}/steps/train/logs?after=${first.data.after}`);
    expect(later.data).toEqual({ lines: [logs.data.lines[1]], after: logs.data.after, more: false });
    const bad = await http('GET', `/api/v1/runs/${runId}/steps/gate/logs?after=soon`);
    expect(bad.status).toBe(400);
    expect(bad.data.error).toMatch(/after: a whole number/);
    expect((await http('GET', `/api/v1/runs/${runId}/steps/nope/logs`)).status).toBe(404);
  }, 420_000);
});

describe('a failing step', () => {
  it('shows its error, the parameters it ran with and the failed attempt in its details', async () => {
    const name = 'derive-fails';
    const doc = {
      apiVersion: 'millrace/v1',
      name,
      nodes: [
        { id: 'load', type: 'ingest.sample', params: { sample: 'penguins' } },
        // Compiles (the expression's type is known), fails on the first species name it meets.
        { id: 'code', type: 'prepare.derive', params: { name: 'Species code', expression: 'CAST("Species" AS INTEGER)' } },
      ],
      edges: [{ from: 'load.table', to: 'code.table' }],
    };
    expect((await http('PUT', `/api/v1/pipelines/${name}`, doc)).status).toBeLessThan(300);
    const started = await http<{ runId: string }>('POST', `/api/v1/pipelines/${name}/runs`);
    const run = await waitForRun(started.data.runId);
    expect(run.status).toBe('failed');

    await page.goto(`${inject('baseUrl')}/runs/${started.data.runId}`);
    await page.getByRole('status', { name: 'Run status: failed' }).waitFor();
    await node('code').click();
    const code = drawer('code');
    await code.getByRole('alert').getByText(/^Expression: .*convert/i).waitFor();
    const params = code.getByRole('table', { name: 'Parameters of step code' });
    await params.getByRole('row', { name: 'expression CAST("Species" AS INTEGER)' }).waitFor();
    await params.getByRole('row', { name: 'name Species code' }).waitFor();
    await code.getByRole('list', { name: 'Log of step code' }).getByText(/^Attempt 1 failed: Expression: /).waitFor();
    await page.getByRole('figure', { name: 'Step timeline' }).getByRole('cell', { name: 'failed', exact: true }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-run-view-failed-step.png'), fullPage: true });
  }, 180_000);
});
