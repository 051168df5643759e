import fs from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_ADMIN } from '../../server/auth/bootstrap';
import { openChromiumPage } from '../support/browser';
import { anonymousFetch } from '../support/auth-fetch';

// An admin makes an API token in the browser, copies it, uses it from a script, revokes it, and finds both
// changes in the audit log, which exports them as CSV. Roles, labels and visible text only.

const chromium = openChromiumPage('tokens-audit', { context: { permissions: ['clipboard-read', 'clipboard-write'] } });
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const me = (token: string) => anonymousFetch(`${inject('baseUrl')}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

describe('API tokens and the audit log in the browser', () => {
  let token = '';

  it('creates a token that is shown once, copies it, and the token works', async () => {
    await page.goto(`${inject('baseUrl')}/settings/tokens`);
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByRole('button', { name: 'New token' }).click();

    const form = page.getByRole('dialog', { name: 'New API token' });
    await form.getByLabel('Name').fill('e2e-script');
    await form.getByLabel('Role').selectOption('editor');
    await form.getByLabel('Expires').selectOption({ label: 'In 30 days' });
    await form.getByRole('button', { name: 'Create token' }).click();

    const shown = page.getByRole('dialog', { name: 'Token e2e-script' });
    await shown.getByText('Copy the token now: it is not shown again.').waitFor();
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByRole('button', { name: 'Copied' }).waitFor();
    token = await page.evaluate(() => navigator.clipboard.readText());
    expect(token).toMatch(/^mrt_[A-Za-z0-9_-]{43}$/);
    expect(await shown.getByLabel('New token').textContent()).toBe(token);
    expect(await shown.textContent()).toContain(`Authorization: Bearer ${token}`);

    const res = await me(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'token', role: 'editor', label: expect.stringMatching(/^token e2e-script \(mrt_/) });

    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /e2e-script/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('editor');
    expect(await row.textContent()).toContain(token.slice(0, 12));
    expect(await page.getByRole('table', { name: 'API tokens' }).textContent()).not.toContain(token);
  });

  it('revokes the token after a confirmation, and the token is refused', async () => {
    await page.getByRole('button', { name: 'Revoke e2e-script' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke e2e-script?' });
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /e2e-script/ }).getByText('Revoked', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Revoke e2e-script' }).count()).toBe(0);
    expect((await me(token)).status).toBe(401);
  });

  it('lists both changes in the audit log, filters them and exports the CSV', async () => {
    await page.goto(`${inject('baseUrl')}/settings/audit`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const events = page.getByRole('table', { name: 'Audit events' });
    const created = events.getByRole('row').filter({ hasText: 'token.created' }).filter({ hasText: TEST_ADMIN.email });
    const revoked = events.getByRole('row').filter({ hasText: 'token.revoked' }).filter({ hasText: TEST_ADMIN.email });
    await created.first().waitFor();
    await revoked.first().waitFor();
    expect(await created.first().textContent()).toContain('name: e2e-script');

    await page.getByLabel('Action').selectOption('token.revoked');
    await events.getByRole('row').filter({ hasText: 'token.created' }).first().waitFor({ state: 'detached' });
    expect(await revoked.count()).toBeGreaterThan(0);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await fs.readFile((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('time,actor_kind,actor,action,target_kind,target,details,ip,user_agent,request_id');
    expect(lines.slice(1).length).toBeGreaterThan(0);
    expect(lines.slice(1).every((l) => l.includes(',token.revoked,'))).toBe(true);
    expect(lines.some((l) => l.includes(`,user,${TEST_ADMIN.email},token.revoked,token,`))).toBe(true);
    expect(csv).not.toContain(token);
  });
});
