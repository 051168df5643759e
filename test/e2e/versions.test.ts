import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_ADMIN } from '../../server/auth/bootstrap';
import { openChromiumPage, SHOTS } from '../support/browser';
import { http, waitForRun } from '../support/http';

// A pipeline's history as people meet it: every save has an author, a time and maybe a message; the versions
// page lists them and shows what changed between two, as a list and on a canvas; an earlier version opens
// read-only and can be restored.

const chromium = openChromiumPage('versions');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const NAME = 'versions-e2e';
const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });

async function millrace(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.resolve('server/cli/bin.mjs'), ...args], {
      env: { ...process.env, MILLRACE_URL: inject('baseUrl') },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err: any) {
    return { code: err.code as number, stdout: err.stdout as string, stderr: err.stderr as string };
  }
}

type Versions = { latestVersion: number; versions: { version: number; author: string; message: string | null; nodeCount: number }[] };
const versions = async () => (await http<Versions>('GET', `/api/v1/pipelines/${NAME}/versions`)).data;

describe('versions of a pipeline', () => {
  it('records who saved each version and what they said, from the CLI, the API and the editor', async () => {
    const example = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8')) as { nodes: { id: string; params: Record<string, unknown> }[] };
    const doc = { ...example, name: NAME, nodes: example.nodes.map((n) => (n.id === 'ship' ? { ...n, params: { endpoint: NAME } } : n)) };
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-versions-')), 'pipeline.json');
    await fs.writeFile(file, JSON.stringify(doc));

    const tooLong = await millrace('apply', file, '--message', 'x'.repeat(501));
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain('at most 500 characters');
    const applied = await millrace('apply', file, '--message', 'First draft from the CLI');
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`${NAME}: saved version 1`);

    const gate = (value: number) => ({ ...doc, nodes: doc.nodes.map((n) => (n.id === 'gate' ? { ...n, params: { rules: [{ metric: 'accuracy', op: '>=', value }] } } : n)) });
    const both = await http('PUT', `/api/v1/pipelines/${NAME}?message=a`, gate(0.8), { 'x-millrace-message': 'b' });
    expect(both.status).toBe(400);
    expect(both.data.error).toContain('not both');
    const viaApi = await http('PUT', `/api/v1/pipelines/${NAME}`, gate(0.8), { 'x-millrace-message': 'A gentler gate' });
    expect(viaApi.status, JSON.stringify(viaApi.data)).toBe(200);
    expect(viaApi.data.version).toBe(2);

    // In the editor: more trees, saved with a message from the dialog.
    await page.goto(`${inject('baseUrl')}/pipelines/${NAME}`);
    await step('train').click();
    const trees = page.getByRole('complementary', { name: 'Inspector' }).getByLabel('Trees', { exact: true });
    await trees.fill('60');
    await page.getByText('● Unsaved changes').waitFor();
    await page.getByRole('button', { name: 'Save with a message' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save a new version' });
    await dialog.getByLabel('Message (optional)').fill('More trees');
    await dialog.getByRole('button', { name: 'Save version' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 3' }).waitFor();
    await dialog.waitFor({ state: 'detached' });

    // Then the deployment goes, saved at once with Ctrl+S.
    await step('ship').click();
    await page.keyboard.press('Delete');
    await step('ship').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: 'Saved version 4' }).waitFor();

    const listed = await versions();
    expect(listed.latestVersion).toBe(4);
    const openapi = (await http('GET', '/api/v1/openapi.json')).data;
    expect(openapi.paths['/api/v1/pipelines/{name}'].put.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['message', 'X-Millrace-Message']),
    );
    expect(openapi.paths['/api/v1/pipelines/{name}/versions'].get).toBeDefined();
    expect(listed.versions.map((v) => [v.version, v.author, v.message, v.nodeCount])).toEqual([
      [4, TEST_ADMIN.email, null, 5],
      [3, TEST_ADMIN.email, 'More trees', 6],
      [2, expect.stringMatching(/^token test admin \(mrt_/), 'A gentler gate', 6],
      [1, expect.stringMatching(/^token test admin \(mrt_/), 'First draft from the CLI', 6],
    ]);
  }, 180_000);

  it('lists the versions and shows what changed between two, as a list and on the canvas', async () => {
    await page.getByRole('link', { name: 'All versions' }).click();
    await page.waitForURL(new RegExp(`/pipelines/${NAME}/versions$`));
    const table = page.getByRole('table', { name: `Versions of ${NAME}, newest first` });
    const row = (v: number) => table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^Version ${v}\\b`) }) });
    await row(4).getByText('latest', { exact: true }).waitFor();
    expect(await row(3).getByRole('cell').allTextContents()).toEqual([TEST_ADMIN.email, expect.stringMatching(/ago|just now/), 'More trees', '6', 'Open']);
    expect(await row(1).getByRole('cell').nth(0).textContent()).toMatch(/^token test admin \(mrt_/);
    expect(await row(1).getByRole('cell').nth(2).textContent()).toBe('First draft from the CLI');
    expect(await row(2).getByText('latest', { exact: true }).count()).toBe(0);

    // By default the newest version against the one before.
    const list34 = page.getByRole('list', { name: 'Changes from version 3 to version 4' });
    await list34.waitFor();
    expect(await list34.getByRole('listitem').allTextContents()).toEqual([
      'removed step ship (deploy.endpoint)',
      'removed connection train.model → ship.model',
      'removed connection gate.pass → ship.after',
    ]);
    const canvas34 = page.getByRole('application', { name: 'Changes from version 3 to version 4 on the canvas' });
    await canvas34.getByRole('group', { name: 'Step ship: removed' }).getByText('Removed', { exact: true }).waitFor();
    await canvas34.getByRole('group', { name: 'Step train: unchanged' }).waitFor();

    // Any two: version 1 against version 4.
    await page.getByLabel('From', { exact: true }).selectOption('1');
    const list14 = page.getByRole('list', { name: 'Changes from version 1 to version 4' });
    await list14.waitFor();
    expect(await list14.getByRole('listitem').allTextContents()).toEqual([
      'removed step ship (deploy.endpoint)',
      'changed train.trees: 100 → 60',
      'changed gate.rules.0.value: 0.9 → 0.8',
      'removed connection train.model → ship.model',
      'removed connection gate.pass → ship.after',
    ]);
    const canvas14 = page.getByRole('application', { name: 'Changes from version 1 to version 4 on the canvas' });
    await canvas14.getByRole('group', { name: 'Step train: changed' }).getByText('Changed', { exact: true }).waitFor();
    await canvas14.getByRole('group', { name: 'Step gate: changed' }).waitFor();
    await canvas14.getByRole('group', { name: 'Step load: unchanged' }).waitFor();
    expect(new URL(page.url()).search).toBe('?from=1&to=4');
    await page.screenshot({ path: path.join(SHOTS, 'e2e-versions-diff.png'), fullPage: true });
  }, 60_000);

  it('opens an earlier version read-only, and restores it as the newest version', async () => {
    await page.getByRole('link', { name: 'Open version 1' }).click();
    await page.waitForURL(new RegExp(`/pipelines/${NAME}\\?version=1$`));
    const banner = page.getByRole('region', { name: 'Read-only version' });
    await banner.getByText('Viewing version 1 of 4 — read-only').waitFor();
    await step('ship').waitFor();
    expect(await page.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add step Dataset' }).count()).toBe(0);

    // Nothing moves, nothing is deleted, nothing is connected.
    // A drag on a step may pan the view, so what must hold is the steps' places relative to each other.
    const offset = async () => {
      const [a, b] = [(await step('train').boundingBox())!, (await step('load').boundingBox())!];
      return { x: Math.round(a.x - b.x), y: Math.round(a.y - b.y) };
    };
    const before = await offset();
    const box = (await step('train').boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + 15);
    await page.mouse.down();
    await page.mouse.move(box.x + 240, box.y + 215, { steps: 8 });
    await page.mouse.up();
    expect(await offset()).toEqual(before);
    await step('ship').click();
    await page.getByRole('complementary', { name: 'Step details' }).getByText(`"${NAME}"`).waitFor();
    await page.keyboard.press('Delete');
    await page.keyboard.press('Backspace');
    expect(await step('ship').count()).toBe(1);
    expect(await page.locator('.react-flow__handle.connectable').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-version-read-only.png') });

    await banner.getByRole('button', { name: 'Restore this version' }).click();
    await page.waitForURL(new RegExp(`/pipelines/${NAME}$`));
    await page.getByText('Version 5', { exact: true }).waitFor();
    await step('ship').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).waitFor();
    const listed = await versions();
    expect(listed.versions[0]).toMatchObject({ version: 5, author: TEST_ADMIN.email, message: 'Restored from version 1', nodeCount: 6 });
    const [v1, v5] = await Promise.all([1, 5].map(async (v) => (await http('GET', `/api/v1/pipelines/${NAME}?version=${v}`)).data.document));
    expect(v5).toEqual(v1);

    // "Back to latest" leaves an old version for the editable newest one.
    await page.goto(`${inject('baseUrl')}/pipelines/${NAME}?version=2`);
    await banner.getByText('Viewing version 2 of 5 — read-only').waitFor();
    await banner.getByRole('link', { name: 'Back to latest' }).click();
    await page.waitForURL(new RegExp(`/pipelines/${NAME}$`));
    await page.getByRole('button', { name: 'Save', exact: true }).waitFor();
    expect(await banner.count()).toBe(0);
  }, 60_000);

  it('opens the version a run ran, read-only, from the run page once a newer version exists', async () => {
    const name = 'versions-run';
    const doc = (sample: string) => ({ apiVersion: 'millrace/v1', name, nodes: [{ id: 'load', type: 'ingest.sample', params: { sample } }], edges: [] });
    expect((await http('PUT', `/api/v1/pipelines/${name}`, doc('penguins'))).status).toBe(200);
    const started = await http<{ runId: string }>('POST', `/api/v1/pipelines/${name}/runs`);
    expect(started.status, JSON.stringify(started.data)).toBeLessThan(300);
    expect((await waitForRun(started.data.runId)).status).toBe('succeeded');
    expect((await http('PUT', `/api/v1/pipelines/${name}`, doc('cars'))).data.version).toBe(2);

    await page.goto(`${inject('baseUrl')}/runs/${started.data.runId}`);
    await page.getByRole('link', { name: 'Open in editor' }).click();
    await page.waitForURL(new RegExp(`/pipelines/${name}\\?version=1$`));
    await page.getByRole('region', { name: 'Read-only version' }).getByText('Viewing version 1 of 2 — read-only').waitFor();
    expect(await page.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
  }, 120_000);
});
