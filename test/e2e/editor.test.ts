import path from 'node:path';
import type { Page } from 'playwright-core';
import { drawEdge, SHOTS, openChromiumPage } from '../support/browser';
import { beforeAll, describe, expect, inject, it } from 'vitest';

// A person's path through the UI, in real Chromium against the real stack: open the example pipeline,
// edit it on the canvas, save a new version, run it and read the result. Roles and labels only.

const STEPS = ['load', 'split', 'train', 'eval', 'gate', 'ship'];

const chromium = openChromiumPage('editor');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});
/** What the browser refused under the app's Content-Security-Policy. */
const cspViolations = chromium.cspViolations;

/** Presses on one port handle and releases on another, the way a person draws an edge. */
const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });
const port = (label: string) => page.getByLabel(label, { exact: true });
const edge = (from: string, to: string) => page.getByLabel(`Edge ${from} to ${to}`, { exact: true });

describe('pipeline editor', () => {
  it('edits, saves, runs the example pipeline and shows its metrics', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByRole('link', { name: 'penguin-species', exact: true }).click();
    await step('train').waitFor();
    const savedVersion = Number((await page.getByText(/^Version \d+$/).textContent())!.replace(/\D/g, ''));

    // Drag a step from the palette onto an empty part of the canvas.
    const canvas = page.getByRole('application', { name: 'Pipeline canvas' });
    const box = (await canvas.boundingBox())!;
    await page
      .getByRole('button', { name: 'Add step Random forest' })
      .dragTo(canvas, { targetPosition: { x: box.width * 0.4, y: box.height * 0.82 } });
    const scratch = step('random_forest');
    await scratch.waitFor();

    // A model output cannot feed a table input: refused, with the reason.
    await drawEdge(page, port('train output model (model)'), port('random_forest input table (table)'));
    await page.getByRole('alert').filter({ hasText: 'Connection refused' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Connection refused' }).textContent()).toContain('model output');
    expect(await edge('train.model', 'random_forest.table').count()).toBe(0);
    // The message can be closed at once rather than waited out.
    await page.getByRole('alert').filter({ hasText: 'Connection refused' }).getByRole('button', { name: 'Close message' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Connection refused' }).count()).toBe(0);

    // A table output can.
    await drawEdge(page, port('split output train (table)'), port('random_forest input table (table)'));
    await expect.poll(() => edge('split.train', 'random_forest.table').count()).toBe(1);

    // The new step has no target yet: the problem is marked on the node itself.
    await scratch.getByText('target is required').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-editor-problem.png') });

    // Fill it in the inspector; the mark goes away.
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByRole('heading', { name: 'Random forest' }).waitFor();
    // Schemas are known at design time: a column that does not reach this step is marked before any run,
    // and the column pickers offer the upstream columns with their types.
    await inspector.getByLabel('Target', { exact: true }).fill('Wingspan');
    await scratch.getByText(/Column "Wingspan" does not exist after "split"/).waitFor();
    await inspector.getByRole('checkbox', { name: 'Island VARCHAR' }).waitFor({ state: 'attached' });
    await page.screenshot({ path: path.join(SHOTS, 'e2e-editor-columns.png') });
    await inspector.getByLabel('Target', { exact: true }).fill('Species');
    await scratch.getByText('target is required').waitFor({ state: 'detached' });
    await scratch.getByText(/Column "Wingspan"/).waitFor({ state: 'detached' });

    // Remove the scratch step with the keyboard; its edge goes with it.
    await scratch.click();
    await page.keyboard.press('Delete');
    await scratch.waitFor({ state: 'detached' });
    expect(await edge('split.train', 'random_forest.table').count()).toBe(0);

    // A real change to save: the forest's size.
    await step('train').click();
    const trees = inspector.getByLabel('Trees', { exact: true });
    await trees.waitFor();
    await trees.fill((await trees.inputValue()) === '60' ? '50' : '60');
    await page.getByText('Valid pipeline: ready to save and run').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-editor.png') });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = page.getByRole('status').filter({ hasText: /Saved version \d+/ });
    await saved.waitFor();
    const newVersion = Number((await saved.textContent())!.replace(/\D/g, ''));
    expect(newVersion).toBeGreaterThan(savedVersion);

    // Run it and watch every step finish on the run page.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    for (const id of STEPS) {
      await page
        .getByRole('row', { name: `Step ${id}`, exact: true })
        .getByText('succeeded', { exact: true })
        .waitFor({ timeout: 240_000 });
    }
    await page.getByRole('status', { name: 'Run status: succeeded' }).waitFor({ timeout: 30_000 });
    await page.getByText('Gate passed').waitFor();
    for (const id of STEPS) {
      expect(await page.getByRole('group', { name: `Step ${id}: succeeded`, exact: true }).count()).toBe(1);
    }

    const accuracy = Number(await page.getByRole('group', { name: 'Accuracy', exact: true }).getByRole('definition').textContent());
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(accuracy).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-run.png'), fullPage: true });
  }, 420_000);

  it('works within the content security policy (nothing refused)', () => {
    expect(cspViolations).toEqual([]);
  });
});
