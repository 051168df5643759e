import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { drawEdge, SHOTS, openChromiumPage } from '../support/browser';
import { http, step as runStep } from '../support/http';
import { beforeAll, describe, expect, inject, it } from 'vitest';

// Pipeline parameters as a person uses them, in real Chromium against the real stack: declare one in the
// Parameters panel, bind a step's field to it, run with a value typed in the Run dialog, read it on the run page.

const NAME = 'e2e-heavy-penguins';

const chromium = openChromiumPage('parameters');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const inspector = () => page.getByRole('complementary', { name: 'Inspector' });
const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });
const port = (label: string) => page.getByLabel(label, { exact: true });

async function add(title: string, id: string) {
  await page.getByRole('button', { name: `Add step ${title}`, exact: true }).click();
  await step(id).waitFor();
  await inspector().getByRole('heading', { name: title, exact: true }).waitFor();
}

const penguins = JSON.parse(fs.readFileSync(path.resolve('node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
const heavierThan = (grams: number) => penguins.filter((p) => typeof p['Body Mass (g)'] === 'number' && (p['Body Mass (g)'] as number) > grams).length;

describe('pipeline parameters in the editor', () => {
  it('declares a parameter, binds a filter value to it, runs with a value from the dialog and shows it on the run page', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByLabel('New pipeline name', { exact: true }).fill(NAME);
    await page.getByRole('button', { name: 'New pipeline', exact: true }).click();
    await page.getByRole('complementary', { name: 'Step palette' }).waitFor();

    // Declared in a form: name, type, default, description.
    await inspector().getByRole('button', { name: 'Add parameter' }).click();
    await inspector().getByLabel('Name of parameter 1', { exact: true }).fill('minMass');
    await inspector().getByLabel('Type of parameter 1', { exact: true }).selectOption({ label: 'Number' });
    await inspector().getByLabel('Default of parameter 1', { exact: true }).fill('4000');
    await inspector().getByLabel('Description of parameter 1', { exact: true }).fill('Keep penguins heavier than this (g)');
    await inspector().getByText('Parameter "minMass" is declared but no step uses it').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-parameters-declared.png') });

    await add('Dataset', 'dataset');
    await inspector().getByLabel('Dataset', { exact: true }).selectOption('penguins');
    await add('Filter rows', 'filter');
    await drawEdge(page, port('dataset output table (table)'), port('filter input table (table)'));
    await page.getByLabel('Edge dataset.table to filter.table', { exact: true }).waitFor();
    await step('filter').click();
    await inspector().getByRole('heading', { name: 'Filter rows', exact: true }).waitFor();
    await inspector().getByRole('button', { name: 'Add condition' }).click();
    await inspector().getByLabel('Column', { exact: true }).fill('Body Mass (g)');
    await inspector().getByLabel('Operator', { exact: true }).selectOption('>');

    // Bound: the field shows the parameter in place of a value.
    await inspector().getByLabel('Use pipeline parameter for Value', { exact: true }).selectOption('minMass');
    await inspector().getByText('= minMass').waitFor();
    await page.getByText('Valid pipeline: ready to save and run').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-parameters-bound.png') });

    // Run asks for the value, pre-filled with the default; Cancel closes the dialog without starting.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Run with parameters' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.waitFor();
    const value = dialog.getByLabel('minMass', { exact: true });
    expect(await value.inputValue()).toBe('4000');
    await value.fill('heavy');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await dialog.getByText('Parameter "minMass" must be a number, got "heavy"').waitFor();
    await value.fill('5000');
    await page.screenshot({ path: path.join(SHOTS, 'e2e-parameters-dialog.png') });
    await dialog.getByRole('button', { name: 'Start run' }).click();

    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await page.getByRole('status', { name: 'Run status: succeeded' }).waitFor({ timeout: 120_000 });
    const shown = page.getByRole('region', { name: 'Parameters' });
    await shown.getByText('minMass', { exact: true }).waitFor();
    expect(await shown.getByRole('definition').textContent()).toBe('5000');
    await page.screenshot({ path: path.join(SHOTS, 'e2e-parameters-run.png') });

    // The value reached the step: it kept the penguins heavier than 5000 g.
    const runId = page.url().split('/').pop()!;
    const run = (await http('GET', `/api/v1/runs/${runId}`)).data;
    expect(run.params).toEqual({ minMass: 5000 });
    expect(runStep(run, 'filter').summary.rowsKept).toBe(heavierThan(5000));
  }, 240_000);
});
