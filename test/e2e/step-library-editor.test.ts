import path from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS, openChromiumPage } from '../support/browser';
import { beforeAll, describe, expect, inject, it } from 'vitest';

// The editor pieces of the step library, in real Chromium: each step type shows its own icon beside its
// title, and parameters most people leave alone are folded under "Advanced settings".


const chromium = openChromiumPage('step-library');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

describe('step library in the editor', () => {
  it('shows a decorative icon per step type and folds advanced parameters away', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByRole('link', { name: 'penguin-species', exact: true }).click();
    await page.getByRole('group', { name: 'Step train', exact: true }).waitFor();

    // Each palette entry carries its own icon, hidden from assistive technology (the title names the step).
    const addJoin = page.getByRole('button', { name: 'Add step Join', exact: true });
    const joinIcon = addJoin.locator('svg.lucide-merge');
    expect(await joinIcon.count()).toBe(1);
    expect(await joinIcon.getAttribute('aria-hidden')).toBe('true');
    expect(await page.getByRole('button', { name: 'Add step Train/test split', exact: true }).locator('svg.lucide-split').count()).toBe(1);

    await addJoin.click();
    const node = page.getByRole('group', { name: 'Step join', exact: true });
    await node.waitFor();
    expect(await node.locator('svg.lucide-merge').count()).toBe(1);

    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByRole('heading', { name: 'Join' }).waitFor();
    await inspector.getByLabel('Join type', { exact: true }).waitFor();
    const advanced = inspector.getByRole('button', { name: 'Advanced settings', exact: true });
    expect(await advanced.getAttribute('aria-expanded')).toBe('false');
    expect(await inspector.getByLabel('Left suffix', { exact: true }).count()).toBe(0);

    await advanced.click();
    expect(await advanced.getAttribute('aria-expanded')).toBe('true');
    const suffix = inspector.getByLabel('Left suffix', { exact: true });
    await suffix.waitFor();
    expect(await suffix.getAttribute('placeholder')).toBe('Default: _left');
    await page.screenshot({ path: path.join(SHOTS, 'e2e-step-library-advanced.png') });

    await advanced.click();
    await suffix.waitFor({ state: 'detached' });
  }, 120_000);
});
