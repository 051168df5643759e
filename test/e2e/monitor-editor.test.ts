import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { SHOTS, openChromiumPage } from '../support/browser';
import { http } from '../support/http';

// The monitoring steps in the editor: in the palette, and a copy of the seeded monitor → alert → retrain
// template edited the way a person does, giving the retraining pipeline a parameter value.

const chromium = openChromiumPage('monitor-editor', { viewport: { width: 1600, height: 1000 } });
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const inspector = () => page.getByRole('complementary', { name: 'Inspector' });
const item = (list: string, n: number): Locator => inspector().getByRole('group', { name: `${list} ${n}`, exact: true });

describe('monitoring steps in the editor', () => {
  it('offers them in the palette and edits the template’s Start pipeline step with a parameter value', async () => {
    const template = JSON.parse(fs.readFileSync(path.resolve('server/examples/penguin-monitor.json'), 'utf8'));
    const name = 'penguin-monitor-copy';
    expect((await http('PUT', `/api/v1/pipelines/${name}`, { ...template, name })).status).toBe(200);

    await page.goto(`${inject('baseUrl')}/pipelines/${name}`);
    for (const title of ['Endpoint traffic', 'Data drift', 'Model quality', 'Alert', 'Start pipeline']) {
      await page.getByRole('button', { name: `Add step ${title}`, exact: true }).waitFor();
    }

    await page.getByRole('group', { name: 'Step retrain', exact: true }).click();
    await inspector().getByRole('heading', { name: 'Start pipeline', exact: true }).waitFor();
    expect(await inspector().getByLabel('Pipeline', { exact: true }).inputValue()).toBe('penguin-species');
    await inspector().getByRole('button', { name: 'Add parameter value' }).click();
    await item('Parameter value', 1).getByLabel('Parameter', { exact: true }).fill('minAccuracy');
    await item('Parameter value', 1).getByLabel('Value', { exact: true }).fill('0.95');

    await page.getByRole('group', { name: 'Step alert', exact: true }).click();
    await inspector().getByRole('heading', { name: 'Alert', exact: true }).waitFor();
    expect(await inspector().getByLabel('Alert title', { exact: true }).inputValue()).toBe('Penguin traffic drifted from the training data');

    await page.getByText('Valid pipeline: ready to save and run').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const notice = page.getByRole('status').or(page.getByRole('alert')).filter({ hasText: /Saved version|Not saved/ });
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Saved version 2');
    await page.screenshot({ path: path.join(SHOTS, 'e2e-monitor-editor.png') });

    const saved = await http('GET', `/api/v1/pipelines/${name}`);
    const retrain = saved.data.document.nodes.find((n: { id: string }) => n.id === 'retrain');
    expect(retrain.params).toEqual({ pipeline: 'penguin-species', params: [{ name: 'minAccuracy', value: '0.95' }] });
  }, 300_000);
});
