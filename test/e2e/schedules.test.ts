import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openChromiumPage } from '../support/browser';
import { http } from '../support/http';
import { TEST_ADMIN } from '../../server/auth/bootstrap';

// A person schedules a pipeline from its editor: a "daily at" preset, read back in words with the next
// run times Temporal computed, then paused; and one that passes a value to a pipeline parameter. Roles and
// labels only.

// A fixed zone, so the times the pages show are known.
const chromium = openChromiumPage('schedules', { viewport: { width: 1440, height: 1000 }, context: { timezoneId: 'Europe/Paris' } });
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

afterAll(async () => {
  await http('DELETE', '/api/v1/pipelines/penguin-species/schedules/morning');
  await http('DELETE', '/api/v1/pipelines/e2e-tiny/schedules/hourly');
  await http('DELETE', '/api/v1/pipelines/e2e-heavy/schedules/nightly');
});

describe('schedules in the browser', () => {
  it('creates a daily schedule with the form, shows its description and next runs, pauses and changes it', async () => {
    // The overview links to every schedule; this one starts from the pipeline's editor.
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByRole('link', { name: 'Schedules and triggers' }).waitFor();
    await page.goto(`${inject('baseUrl')}/pipelines/penguin-species`);
    await page.getByTitle('Schedules and triggers of this pipeline').click();
    await page.getByRole('heading', { name: 'Schedules and triggers of penguin-species' }).waitFor();

    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Schedule name').fill('morning');
    await form.getByLabel('Repeat').selectOption({ label: 'Daily at' });
    await form.getByLabel('Time of day').fill('07:45');
    await form.getByLabel('Time zone').fill('Europe/Paris');
    const preview = form.getByRole('status', { name: 'Schedule preview' });
    await preview.filter({ hasText: 'At 07:45, every day (Europe/Paris)' }).waitFor();
    expect(await preview.textContent()).toContain('45 7 * * *');
    await form.getByRole('button', { name: 'Create schedule' }).click();

    const item = page.getByRole('listitem', { name: 'Schedule morning' });
    await item.waitFor();
    expect(await item.textContent()).toContain('At 07:45, every day (Europe/Paris)');
    expect(await item.getByText('Active', { exact: true }).count()).toBe(1);
    const next = item.getByRole('list', { name: 'Next runs of morning' }).getByRole('listitem');
    await next.first().waitFor();
    const times = await next.allTextContents();
    expect(times).toHaveLength(3);
    for (const t of times) expect(t).toMatch(/7:45\s?AM \(Europe\/Paris\)/);

    await item.getByRole('button', { name: 'Pause' }).click();
    await item.getByText('Paused', { exact: true }).waitFor();
    await item.getByText('None while paused').waitFor();
    await item.getByRole('button', { name: 'Resume' }).waitFor();
    expect(await item.textContent()).toContain(`paused by ${TEST_ADMIN.email}`);

    // Changed in place: the form opens with the schedule's preset, time and zone.
    await item.getByRole('button', { name: 'Change' }).click();
    const change = item.getByRole('form', { name: 'Change schedule morning' });
    expect(await change.getByLabel('Time of day').inputValue()).toBe('07:45');
    expect(await change.getByLabel('Time zone').inputValue()).toBe('Europe/Paris');
    await change.getByLabel('Repeat').selectOption({ label: 'Weekly on' });
    await change.getByLabel('Day of the week').selectOption({ label: 'Friday' });
    await change.getByRole('button', { name: 'Save changes' }).click();
    await item.getByText('At 07:45, only on Friday (Europe/Paris)').waitFor();
    expect(await item.getByText('Paused', { exact: true }).count()).toBe(1);

    // The schedules page across pipelines shows it, paused, with who changed it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedules' }).click();
    const row = page.getByRole('listitem', { name: 'Schedule morning of penguin-species' });
    await row.getByText('Paused', { exact: true }).waitFor();
    expect(await row.textContent()).toContain('At 07:45, only on Friday (Europe/Paris)');

    const stored = await http('GET', '/api/v1/pipelines/penguin-species/schedules/morning');
    expect(stored.data).toMatchObject({ paused: true, spec: { kind: 'cron', cron: '45 7 * * 5', timezone: 'Europe/Paris' }, createdBy: TEST_ADMIN.email, lastChange: 'changed' });
  });

  it('backfills a past hour from the list and the run page shows the time it was scheduled for', async () => {
    const doc = { apiVersion: 'millrace/v1', name: 'e2e-tiny', nodes: [{ id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } }], edges: [] };
    expect((await http('PUT', '/api/v1/pipelines/e2e-tiny', doc)).status).toBe(200);
    const made = await http('POST', '/api/v1/pipelines/e2e-tiny/schedules', { name: 'hourly', spec: { kind: 'cron', cron: '0 * * * *' }, paused: true });
    expect(made.status).toBe(201);

    await page.goto(`${inject('baseUrl')}/pipelines/e2e-tiny/schedules`);
    const item = page.getByRole('listitem', { name: 'Schedule hourly' });
    await item.getByText('Backfill a past range').click();
    const form = item.getByRole('form', { name: 'Backfill hourly' });
    // Paris time: one whole hour falls between these two, midnight UTC.
    await form.getByLabel('From').fill('2026-01-01T00:30');
    await form.getByLabel('To').fill('2026-01-01T01:29');
    await form.getByRole('button', { name: 'Backfill' }).click();
    await item.getByRole('status').filter({ hasText: 'Backfill started' }).waitFor();

    // The list reads it in the schedule's zone (UTC), the run page in the browser's.
    const lastRun = item.getByRole('link', { name: /^for Jan 1, 2026, 12:00\sAM$/ });
    await lastRun.waitFor({ timeout: 60_000 });
    await lastRun.click();
    const origin = page.getByLabel('Started by');
    await origin.waitFor();
    // (Intl may put a narrow no-break space before AM.)
    expect((await origin.textContent())!.replace(/\s+/g, ' ')).toBe('Started by schedule hourly for Jan 1, 2026, 1:00:00 AM');
    await page.getByRole('status', { name: 'Run status: succeeded' }).waitFor({ timeout: 60_000 });
  });

  it('creates a schedule with a parameter value typed in the form and lists the value it passes', async () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'e2e-heavy',
      parameters: [{ name: 'minMass', type: 'number', default: 4000, description: 'Keep penguins heavier than this (g)' }],
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
        { id: 'heavy', type: 'prepare.filter', params: { conditions: [{ column: 'Body Mass (g)', op: '>', value: { $param: 'minMass' } }] } },
      ],
      edges: [{ from: 'load.table', to: 'heavy.table' }],
    };
    expect((await http('PUT', '/api/v1/pipelines/e2e-heavy', doc)).status).toBe(200);

    await page.goto(`${inject('baseUrl')}/pipelines/e2e-heavy/schedules`);
    const form = page.getByRole('form', { name: 'New schedule' });
    const minMass = form.getByLabel('minMass', { exact: true });
    // The field starts from the pipeline's default.
    await expect.poll(() => minMass.inputValue()).toBe('4000');
    await form.getByLabel('Schedule name').fill('nightly');
    await form.getByLabel('Repeat').selectOption({ label: 'Daily at' });
    await form.getByLabel('Time of day').fill('02:30');

    // A value of the wrong type is refused before anything is saved, with the reason beside the field.
    await minMass.fill('heavy');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await form.getByRole('alert').filter({ hasText: 'Parameter "minMass" must be a number, got "heavy"' }).waitFor();
    expect(await minMass.getAttribute('aria-invalid')).toBe('true');
    expect((await http('GET', '/api/v1/pipelines/e2e-heavy/schedules/nightly')).status).toBe(404);

    await minMass.fill('4500');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    const item = page.getByRole('listitem', { name: 'Schedule nightly' });
    const values = item.getByRole('list', { name: 'Parameter values of nightly' });
    await values.waitFor();
    expect(await values.getByRole('listitem').allTextContents()).toEqual(['minMass = 4500']);

    // Changing the schedule starts from the values it passes.
    await item.getByRole('button', { name: 'Change' }).click();
    const change = item.getByRole('form', { name: 'Change schedule nightly' });
    await expect.poll(() => change.getByLabel('minMass', { exact: true }).inputValue()).toBe('4500');

    // Across pipelines too.
    await page.goto(`${inject('baseUrl')}/schedules`);
    const across = page.getByRole('listitem', { name: 'Schedule nightly of e2e-heavy' }).getByRole('list', { name: 'Parameter values of nightly' });
    await across.waitFor();
    expect(await across.getByRole('listitem').allTextContents()).toEqual(['minMass = 4500']);

    const stored = await http('GET', '/api/v1/pipelines/e2e-heavy/schedules/nightly');
    expect(stored.data).toMatchObject({ params: { minMass: 4500 }, createdBy: TEST_ADMIN.email });
  });
});
