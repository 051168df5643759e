import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { drawEdge, openChromiumPage, SHOTS } from '../support/browser';
import { http, waitForRun } from '../support/http';

// The canvas of a new pipeline as a person meets it (steps dragged one after another land where they are
// dropped), and what a run whose gate refused its model says about it.

const chromium = openChromiumPage('editor-canvas');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });

describe('the canvas of a new pipeline', () => {
  it('keeps its view when the first step is dropped, so the next drop lands beside it, not on top', async () => {
    await page.goto(`${inject('baseUrl')}/pipelines/canvas-drops`);
    const canvas = page.getByRole('application', { name: 'Pipeline canvas' });
    await canvas.waitFor();
    const box = (await canvas.boundingBox())!;
    const viewport = () => page.locator('.react-flow__viewport').getAttribute('style');
    const before = await viewport();

    await page.getByRole('button', { name: 'Add step Dataset' }).dragTo(canvas, { targetPosition: { x: box.width * 0.25, y: box.height * 0.3 } });
    await step('dataset').waitFor();
    await page.waitForTimeout(400); // a fit would animate within this time
    expect(await viewport()).toBe(before);

    await page.getByRole('button', { name: 'Add step Train/test split' }).dragTo(canvas, { targetPosition: { x: box.width * 0.6, y: box.height * 0.3 } });
    await step('split').waitFor();
    const a = (await step('dataset').boundingBox())!;
    const b = (await step('split').boundingBox())!;
    const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    expect(overlap, `dataset at ${JSON.stringify(a)}, split at ${JSON.stringify(b)}`).toBe(false);
    // Each sits about where it was dropped.
    expect(Math.abs(a.x + a.width / 2 - (box.x + box.width * 0.25))).toBeLessThan(40);
    expect(Math.abs(b.x + b.width / 2 - (box.x + box.width * 0.6))).toBeLessThan(40);
  }, 120_000);
});

describe('a run whose gate blocked deployment', () => {
  it('says "not deployed: gate failed" on the run page, in the runs list and on the dashboard, with the rule as written', async () => {
    const example = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8')) as {
      nodes: { id: string; params: Record<string, unknown> }[];
    };
    const name = 'gate-blocks-ui';
    const doc = {
      ...example,
      name,
      nodes: example.nodes.map((n) =>
        n.id === 'gate' ? { ...n, params: { rules: [{ metric: 'accuracy', op: '>=', value: 0.9999 }] } } : n.id === 'ship' ? { ...n, params: { endpoint: name } } : n,
      ),
    };
    expect((await http('PUT', `/api/v1/pipelines/${name}`, doc)).status).toBeLessThan(300);
    const started = await http<{ runId: string }>('POST', `/api/v1/pipelines/${name}/runs`);
    const run = await waitForRun(started.data.runId);
    expect(run.status).toBe('succeeded');

    await page.goto(`${inject('baseUrl')}/runs/${started.data.runId}`);
    await page.getByRole('status', { name: 'Run status: succeeded' }).waitFor();
    await page.getByText('not deployed: gate failed').first().waitFor();
    await page.getByRole('list', { name: 'Not deployed' }).getByText('step ship: gate failed ("gate")').waitFor();
    // The rule reads as it was written, not rounded to "accuracy >= 1".
    await page.getByText('accuracy >= 0.9999', { exact: true }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-gate-blocked-run.png'), fullPage: true });

    await page.goto(`${inject('baseUrl')}/runs`);
    await page.getByRole('row').filter({ hasText: name }).first().getByText('not deployed: gate failed').waitFor();

    await page.goto(`${inject('baseUrl')}/`);
    await page.getByRole('link', { name: new RegExp(`^Last run of ${name}: succeeded, not deployed: gate failed`) }).waitFor();
  }, 180_000);
});

describe('the new pipeline name box', () => {
  it('explains a name it cannot take and offers one it can; warns before a name that exists', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    const box = page.getByLabel('New pipeline name', { exact: true });
    const create = page.getByRole('button', { name: 'New pipeline', exact: true });
    await box.fill('My Pipe');
    expect(await box.inputValue()).toBe('My Pipe'); // kept as typed
    await page.getByText('Use lowercase letters.').waitFor();
    expect(await create.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Use “my-pipe”' }).click();
    expect(await box.inputValue()).toBe('my-pipe');
    expect(await create.isEnabled()).toBe(true);

    await box.fill('penguin-species');
    await page.getByText('A pipeline named “penguin-species” exists.').waitFor();
    expect(await create.isDisabled()).toBe(true);
    await page.getByRole('link', { name: 'Open it', exact: true }).click();
    await page.waitForURL(/\/pipelines\/penguin-species$/);
  }, 60_000);
});

describe('leaving the editor with unsaved edits', () => {
  it('asks first, for the back arrow and the header links: stay, leave without saving, or save and leave', async () => {
    const example = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8')) as Record<string, unknown>;
    const name = 'leave-guard';
    expect((await http('PUT', `/api/v1/pipelines/${name}`, { ...example, name })).status).toBeLessThan(300);
    const dialog = page.getByRole('dialog', { name: 'Leave with unsaved changes?' });
    const edit = async () => {
      await page.goto(`${inject('baseUrl')}/pipelines/${name}`);
      await step('gate').waitFor();
      await page.getByRole('button', { name: 'Auto layout', exact: true }).click();
      await page.getByText('● Unsaved changes').waitFor();
    };

    await edit();
    await page.getByRole('link', { name: 'Back to overview' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Stay' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toBe(`/pipelines/${name}`);
    await page.getByText('● Unsaved changes').waitFor();

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await dialog.getByRole('button', { name: 'Leave without saving' }).click();
    await page.waitForURL(/\/runs$/);
    expect((await http('GET', `/api/v1/pipelines/${name}`)).data.version).toBe(1);

    await edit();
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await dialog.getByRole('button', { name: 'Save and leave' }).click();
    await page.waitForURL(new RegExp(`${inject('baseUrl')}/?$`));
    expect((await http('GET', `/api/v1/pipelines/${name}`)).data.version).toBe(2);
  }, 120_000);
});

describe('finding your way in a pipeline', () => {
  it('has a minimap, and Ctrl+F finds a step by name and selects it', async () => {
    await page.goto(`${inject('baseUrl')}/pipelines/car-mileage`);
    await step('gate').waitFor();
    await page.getByRole('img', { name: 'Minimap of the pipeline' }).waitFor();

    await page.getByRole('application', { name: 'Pipeline canvas' }).click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+f');
    const find = page.getByRole('search', { name: 'Find a step' }).getByLabel('Find a step');
    expect(await find.evaluate((el) => el === document.activeElement)).toBe(true);
    await find.fill('nothing-like-this');
    await find.press('Enter');
    await page.getByText('No step matches').waitFor();
    await find.fill('fill');
    await find.press('Enter');
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByRole('heading', { name: 'Fill missing values', exact: true }).waitFor();
    expect(await step('fill').getAttribute('class')).toContain('selected');
  }, 60_000);
});

describe('a pipeline as a file', () => {
  it('imports a millrace/v1 file into the editor, refuses one that is not, and exports what is on the canvas', async () => {
    await page.goto(`${inject('baseUrl')}/pipelines/from-a-file`);
    await page.getByRole('application', { name: 'Pipeline canvas' }).waitFor();
    const file = page.getByLabel('Import a pipeline file', { exact: true });

    await file.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"apiVersion": "millrace/v1", "nodes": ') });
    await page.getByRole('alert').filter({ hasText: 'Not imported: broken.json is not JSON' }).waitFor();
    await file.setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"apiVersion": "millrace/v2", "name": "x", "nodes": [], "edges": []}') });
    await page.getByRole('alert').filter({ hasText: 'Not imported: other.json is not a millrace/v1 pipeline (apiVersion' }).waitFor();

    await file.setInputFiles(path.resolve('server/examples/penguin-species.json'));
    await page.getByText('Imported penguin-species.json: 6 steps (its name "penguin-species" is not taken; this is still from-a-file). Save to keep it.').waitFor();
    for (const id of ['load', 'split', 'train', 'eval', 'gate', 'ship']) await step(id).waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 1' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-editor-imported.png') });
    const saved = (await http('GET', '/api/v1/pipelines/from-a-file')).data;
    expect(saved.document.name).toBe('from-a-file');
    expect(saved.document.nodes.map((n: { id: string }) => n.id)).toEqual(['load', 'split', 'train', 'eval', 'gate', 'ship']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('from-a-file.json');
    const exported = JSON.parse(await fs.readFile((await download.path())!, 'utf8'));
    expect(exported).toEqual(saved.document);
  }, 60_000);
});

describe('undo and redo', () => {
  it('takes back and brings back each change, by Ctrl+Z / Ctrl+Shift+Z and by the buttons', async () => {
    await page.goto(`${inject('baseUrl')}/pipelines/undo-redo`);
    await page.getByRole('application', { name: 'Pipeline canvas' }).waitFor();
    const undo = page.getByRole('button', { name: 'Undo', exact: true });
    const redo = page.getByRole('button', { name: 'Redo', exact: true });
    expect(await undo.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Add step Dataset', exact: true }).click();
    await step('dataset').waitFor();
    await page.getByRole('button', { name: 'Add step Train/test split', exact: true }).click();
    await step('split').waitFor();
    const steps = () => page.getByRole('group', { name: /^Step / }).count();
    expect(await steps()).toBe(2);

    await page.getByRole('application', { name: 'Pipeline canvas' }).click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(steps).toBe(1);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(steps).toBe(2);
    await undo.click();
    await undo.click();
    await expect.poll(steps).toBe(0);
    expect(await undo.isDisabled()).toBe(true);
    await redo.click();
    await expect.poll(steps).toBe(1);
    await step('dataset').waitFor();

    // Typing in a field keeps the field's own undo: Ctrl+Z there does not remove a step.
    await page.getByRole('complementary', { name: 'Inspector' }).getByLabel('Label', { exact: true }).fill('Cars');
    await page.getByRole('complementary', { name: 'Inspector' }).getByLabel('Label', { exact: true }).press('Control+z');
    expect(await steps()).toBe(1);
  }, 60_000);
});

describe('copy, paste and duplicate', () => {
  it('copies steps with the edges between them, pastes them under fresh ids here and in another pipeline, and duplicates', async () => {
    const port = (label: string) => page.getByLabel(label, { exact: true });
    const edge = (from: string, to: string) => page.getByLabel(`Edge ${from} to ${to}`, { exact: true });
    const canvas = page.getByRole('application', { name: 'Pipeline canvas' });
    await page.goto(`${inject('baseUrl')}/pipelines/copy-paste-a`);
    await canvas.waitFor();
    const box = (await canvas.boundingBox())!;
    await page.getByRole('button', { name: 'Add step Dataset' }).dragTo(canvas, { targetPosition: { x: box.width * 0.2, y: box.height * 0.3 } });
    await page.getByRole('button', { name: 'Add step Train/test split' }).dragTo(canvas, { targetPosition: { x: box.width * 0.5, y: box.height * 0.3 } });
    await drawEdge(page, port('dataset output table (table)'), port('split input table (table)'));
    await expect.poll(() => edge('dataset.table', 'split.table').count()).toBe(1);

    await step('dataset').click();
    await step('split').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+c');
    await page.getByText('Copied 2 steps: paste with Ctrl+V, here or in another pipeline').waitFor();
    await page.keyboard.press('Control+v');
    await step('dataset_2').waitFor();
    await step('split_2').waitFor();
    await expect.poll(() => edge('dataset_2.table', 'split_2.table').count()).toBe(1);
    // The pasted steps are the selection now: Ctrl+D duplicates them.
    await page.keyboard.press('Control+d');
    await step('dataset_3').waitFor();
    await expect.poll(() => edge('dataset_3.table', 'split_3.table').count()).toBe(1);
    // One step of undo takes a paste back.
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => step('dataset_3').count()).toBe(0);

    // Another pipeline, same browser: what was copied pastes there, under its own names.
    await page.goto(`${inject('baseUrl')}/pipelines/copy-paste-b`);
    await canvas.waitFor();
    await canvas.click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+v');
    await step('dataset').waitFor();
    await step('split').waitFor();
    await expect.poll(() => edge('dataset.table', 'split.table').count()).toBe(1);
  }, 60_000);
});

describe('keyboard shortcuts', () => {
  it('are listed in a dialog that ? opens', async () => {
    await page.goto(`${inject('baseUrl')}/pipelines/shortcuts-list`);
    await page.getByRole('application', { name: 'Pipeline canvas' }).click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Shift+?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.getByRole('rowheader', { name: 'Ctrl+Z' }).waitFor();
    expect(await dialog.getByRole('row').count()).toBeGreaterThanOrEqual(10);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await dialog.waitFor();
  }, 60_000);
});
