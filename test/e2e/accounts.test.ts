import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject, it } from 'vitest';
import { TEST_ADMIN } from '../../server/auth/bootstrap';
import { launchChromium, SHOTS } from '../support/browser';
import { http } from '../support/http';

// Accounts as people use them, in headless Chromium with fresh browser contexts (no cookie from the test
// set-up): the admin signs in with the password, invites a viewer, who makes an account from the link and
// cannot run; made editor, they can; signing out everywhere ends their other session. Roles, labels, text.

const NAME = 'e2e-accounts';
const PASSWORD = 'viewer-password-12345';
const EMAIL = 'viewer-e2e@test.local';
let browser: Browser;
const contexts: BrowserContext[] = [];

async function freshPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

const url = (p: string) => `${inject('baseUrl')}${p}`;
const runButton = (page: Page) => page.getByRole('button', { name: 'Run', exact: true });

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  await fs.mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = NAME;
  doc.nodes.find((n: { id: string }) => n.id === 'ship').params.endpoint = NAME;
  expect((await http('PUT', `/api/v1/pipelines/${NAME}`, doc)).status).toBe(200);
});

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return;
  for (const [i, context] of contexts.entries()) {
    for (const page of context.pages()) await page.screenshot({ path: path.join(SHOTS, `e2e-failed-accounts-${i}.png`), fullPage: true }).catch(() => {});
  }
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
});

it('signs in, invites a viewer who cannot run until made editor, and signs out everywhere', async () => {
  // The admin: a page without a session leads to sign-in, and back after it.
  const admin = await freshPage();
  await admin.goto(url('/schedules'));
  await admin.waitForURL(/\/sign-in\?next=%2Fschedules$/);
  await signIn(admin, TEST_ADMIN.email, 'not-the-password-at-all');
  await admin.getByRole('alert').getByText('Wrong email or password.').waitFor();
  await signIn(admin, TEST_ADMIN.email, TEST_ADMIN.password);
  await admin.waitForURL(/\/schedules$/);

  // The user menu names the person, workspace and role, and leads to the members page.
  await admin.getByRole('button', { name: /Test admin.*Default · admin/ }).click();
  await admin.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Members' }).click();
  await admin.waitForURL(/\/settings\/members$/);
  await admin.getByLabel('Email to invite').fill(EMAIL);
  await admin.getByLabel('Role of the invited person').selectOption('viewer');
  await admin.getByRole('button', { name: 'Invite', exact: true }).click();
  const link = await admin.getByLabel('Invite link').inputValue();
  expect(link).toMatch(/\/invite\/[0-9a-f-]{36}$/);
  await admin.getByRole('region', { name: 'Pending invitations' }).getByText(EMAIL).waitFor();
  await admin.screenshot({ path: path.join(SHOTS, 'accounts-members.png') });

  // The invited person opens the link in another browser and makes the account.
  const viewer = await freshPage();
  await viewer.goto(link);
  await viewer.getByRole('heading', { name: 'Join Default' }).waitFor();
  await viewer.getByText(`${EMAIL} is invited as viewer.`).waitFor();
  await viewer.getByLabel('Name').fill('Vera Viewer');
  await viewer.getByLabel('Password (12 characters or more)').fill(PASSWORD);
  await viewer.getByRole('button', { name: 'Create account and join' }).click();
  await viewer.getByRole('button', { name: /Vera Viewer.*Default · viewer/ }).waitFor();

  // A viewer sees Run, disabled, saying which role it needs.
  await viewer.goto(url(`/pipelines/${NAME}`));
  await runButton(viewer).waitFor();
  await expect.poll(() => runButton(viewer).isDisabled()).toBe(true);
  expect(await runButton(viewer).getAttribute('title')).toBe('Needs the editor role');
  await viewer.screenshot({ path: path.join(SHOTS, 'accounts-viewer-editor.png') });

  // The admin makes them an editor.
  await admin.reload();
  await admin.getByLabel(`Role of ${EMAIL}`).selectOption('editor');
  const roleOf = async () => {
    const { data } = await http<any>('GET', '/api/trpc/members.list');
    return data.result.data.json.members.find((m: { email: string }) => m.email === EMAIL)?.role;
  };
  await expect.poll(roleOf).toBe('editor');

  // Now they can run.
  await viewer.reload();
  await viewer.getByRole('button', { name: /Vera Viewer.*Default · editor/ }).waitFor();
  await expect.poll(() => runButton(viewer).isDisabled()).toBe(false);
  await runButton(viewer).click();
  await viewer.waitForURL(/\/runs\/[^/]+$/);
  const runId = viewer.url().split('/').pop()!;
  const run = await http<any>('GET', `/api/v1/runs/${runId}`);
  expect(run.data.pipeline).toBe(NAME);
  // The run is not what this test is about: stop it to spare the machine.
  await http('POST', `/api/v1/runs/${runId}/cancel`);

  // The same person signed in on a second browser; signing out everywhere on the first ends both.
  const elsewhere = await freshPage();
  await elsewhere.goto(url('/sign-in'));
  await signIn(elsewhere, EMAIL, PASSWORD);
  await elsewhere.getByRole('button', { name: /Vera Viewer.*Default · editor/ }).waitFor();

  await viewer.getByRole('button', { name: /Vera Viewer/ }).click();
  await viewer.getByRole('button', { name: 'Sign out everywhere' }).click();
  await viewer.waitForURL(/\/sign-in$/);

  await elsewhere.reload();
  await elsewhere.getByRole('link', { name: 'Sign in' }).waitFor();
  await elsewhere.goto(url(`/pipelines/${NAME}`));
  // The cookie is still in the browser but its session is gone: the API refuses, the menu offers sign-in.
  await elsewhere.getByRole('link', { name: 'Sign in' }).waitFor();
  const refused = await elsewhere.evaluate(async () => (await fetch('/api/trpc/me')).status);
  expect(refused).toBe(401);
});
