import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { SHOTS, openChromiumPage } from '../support/browser';
import { http } from '../support/http';

// A person adds a signed webhook on the notifications page: the signing secret is shown once, and from then on
// the page shows only the URL's scheme and host.

const chromium = openChromiumPage('webhook-secrets');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

describe('webhook secrets in the browser', () => {
  it('shows the signing secret once and never the URL\'s path', async () => {
    const marker = `MARKER${randomUUID().replaceAll('-', '')}`;
    await page.goto(`${inject('baseUrl')}/notifications`);
    const form = page.getByRole('form', { name: 'Add a webhook' });
    await form.getByLabel('Webhook URL').fill(`https://hooks.slack.com/services/T0/B0/${marker}`);
    await form.getByRole('checkbox', { name: 'Sign deliveries' }).check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const secret = page.getByLabel('Signing secret');
    await expect.poll(() => secret.textContent()).toMatch(/^mrwhsec_[A-Za-z0-9_-]{43}$/);
    const table = page.getByRole('table', { name: 'Webhooks' });
    await table.getByRole('button', { name: 'Remove webhook https://hooks.slack.com/…' }).first().waitFor();
    await table.getByText('signed', { exact: true }).first().waitFor();
    expect(await page.content()).not.toContain(marker);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-webhook-secrets.png'), fullPage: true });

    // After a reload the secret is gone for good.
    const shown = (await secret.textContent())!;
    await page.reload();
    await table.getByRole('button', { name: 'Remove webhook https://hooks.slack.com/…' }).first().waitFor();
    expect(await page.getByLabel('Signing secret').count()).toBe(0);
    expect(await page.content()).not.toContain(shown);

    const hooks = await http('GET', '/api/v1/webhooks');
    for (const h of hooks.data.webhooks.filter((w: any) => w.url === 'https://hooks.slack.com/…')) await http('DELETE', `/api/v1/webhooks/${h.id}`);
  });
});
