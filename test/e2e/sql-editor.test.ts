import path from 'node:path';
import type { Page } from 'playwright-core';
import { drawEdge, SHOTS, openChromiumPage } from '../support/browser';
import { beforeAll, describe, expect, inject, it } from 'vitest';

// Writing SQL in the editor, in real Chromium against the real stack: Monaco from the app itself (no CDN),
// the input's columns offered as completions, DuckDB's errors shown on the field and the node before any run.

const chromium = openChromiumPage('sql-editor');
let page: Page;
const cspViolations = chromium.cspViolations;
const foreignRequests: string[] = [];
/** Monaco says so when it cannot start its web worker and falls back to the page's thread. */
const workerProblems: string[] = [];

beforeAll(() => {
  page = chromium.page;
  page.on('console', (msg) => {
    if (/web worker|Failed to load worker/i.test(msg.text())) workerProblems.push(msg.text());
  });
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(inject('baseUrl')) && !url.startsWith('blob:') && !url.startsWith('data:')) foreignRequests.push(url);
  });
});

describe('SQL in the editor', () => {
  it('offers the input columns, marks DuckDB errors before the run and clears them when fixed', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByRole('link', { name: 'penguin-species', exact: true }).click();
    const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });
    await step('load').waitFor();

    const canvas = page.getByRole('application', { name: 'Pipeline canvas' });
    const box = (await canvas.boundingBox())!;
    await page.getByRole('button', { name: 'Add step SQL query' }).dragTo(canvas, { targetPosition: { x: box.width * 0.3, y: box.height * 0.85 } });
    const sql = step('sql');
    await sql.waitFor();
    await drawEdge(page, page.getByLabel('load output table (table)', { exact: true }), page.getByLabel('sql input input (table)', { exact: true }));
    await sql.click();

    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByRole('heading', { name: 'SQL query' }).waitFor();
    const editor = inspector.getByRole('textbox', { name: 'SQL' });
    await editor.waitFor();
    await inspector.getByText('Tables: input.').waitFor();

    // A slow page (a busy laptop, a loaded CI machine): React's effects run after later keystrokes, and
    // not one keystroke may be lost.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });

    // Completions: the columns of the table that reaches the step, with their types.
    await editor.focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('SELECT Species, Beak L');
    await page.keyboard.press('Control+Space');
    await page.getByRole('option', { name: /Beak Length \(mm\)/ }).first().waitFor();
    expect(await page.getByRole('option', { name: /Beak Depth \(mm\)/ }).count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-sql-completions.png') });
    // Picked from the list as a person does: the column, not whichever entry happens to be highlighted.
    await page.getByRole('option', { name: /Beak Length \(mm\)/ }).first().click();
    await page.getByRole('option').first().waitFor({ state: 'hidden' });
    await editor.focus();
    await page.keyboard.type(' FROM input WHERE nope > 1');
    // Escape closes any suggestion Monaco offered after typing.
    await page.keyboard.press('Escape');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

    // The server describes the query with DuckDB: the unknown column is an error on the field and the node.
    await inspector.getByText(/Referenced column "nope" not found/).waitFor();
    await sql.getByText(/Referenced column "nope" not found/).waitFor();
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    // Go to the problem in the editor (F8): Monaco shows DuckDB's message at the marker.
    await editor.focus();
    await page.keyboard.press('F8');
    await expect.poll(() => page.getByText(/Referenced column "nope" not found/).count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-sql-error.png') });
    await page.keyboard.press('Escape');

    // Fixed: the error goes away.
    await editor.focus();
    await page.keyboard.press('End');
    for (let i = 0; i < ' WHERE nope > 1'.length; i++) await page.keyboard.press('Backspace');
    await inspector.getByText(/Referenced column "nope" not found/).waitFor({ state: 'detached' });
    await sql.getByText(/Referenced column/).waitFor({ state: 'detached' });
    // The completion wrote the column quoted, as DuckDB needs it.
    const text = await inspector.getByRole('group', { name: 'SQL', exact: true }).innerText();
    expect(text.replace(/[\s\u00a0]+/g, ' ')).toContain('SELECT Species, "Beak Length (mm)');
    // …and DuckDB bound the whole query: the pipeline is valid again.
    await page.getByText('Valid pipeline: ready to save and run').waitFor();
  }, 240_000);

  it('filters with a condition built in the form and an SQL condition checked before the run', async () => {
    const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });
    const canvas = page.getByRole('application', { name: 'Pipeline canvas' });
    const box = (await canvas.boundingBox())!;
    await page.getByRole('button', { name: 'Add step Filter rows' }).dragTo(canvas, { targetPosition: { x: box.width * 0.6, y: box.height * 0.85 } });
    const filter = step('filter');
    await filter.waitFor();
    await drawEdge(page, page.getByLabel('load output table (table)', { exact: true }), page.getByLabel('filter input table (table)', { exact: true }));
    await filter.click();
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByRole('heading', { name: 'Filter rows' }).waitFor();
    await filter.getByText('Add a condition or write an SQL condition').waitFor();

    await inspector.getByRole('button', { name: 'Add condition' }).click();
    await inspector.getByLabel('Column', { exact: true }).fill('Island');
    await inspector.getByLabel('Value', { exact: true }).fill('Biscoe');
    await page.getByText('Valid pipeline: ready to save and run').waitFor();

    const condition = inspector.getByRole('textbox', { name: 'SQL condition' });
    await condition.focus();
    await page.keyboard.type('"Body Mass (g)" > 4000 AND wingspan > 1');
    await page.keyboard.press('Escape');
    await filter.getByText(/Referenced column "wingspan" not found/).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-filter-error.png') });
    for (let i = 0; i < ' AND wingspan > 1'.length; i++) await page.keyboard.press('Backspace');
    await page.getByText('Valid pipeline: ready to save and run').waitFor();
  }, 120_000);

  it('loads Monaco and its worker from the app only, within the content security policy', () => {
    expect(foreignRequests).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(workerProblems).toEqual([]);
  });
});
