import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { openChromiumPage } from '../support/browser';

// The canvas of a new pipeline as a person meets it: steps dragged one after another land where they are
// dropped, and a refused connection's message can be closed.

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
