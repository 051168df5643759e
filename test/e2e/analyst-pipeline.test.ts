import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { drawEdge, SHOTS, openChromiumPage } from '../support/browser';
import { beforeAll, describe, expect, inject, it } from 'vitest';

// An analyst's first pipeline, in real Chromium against the real stack: a new pipeline built from the palette,
// "load → check → clean → derive → join → split → train → evaluate → gate → deploy", every form filled with
// mouse and keyboard (code typed only in the derive expression), saved, run, and read on the run page.

const NAME = 'analyst-penguins';

const chromium = openChromiumPage('analyst');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const inspector = () => page.getByRole('complementary', { name: 'Inspector' });
const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });
const port = (label: string) => page.getByLabel(label, { exact: true });
const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `e2e-analyst-${name}.png`) });

/** Presses on one port handle and releases on another, the way a person draws an edge. */
async function connect(from: string, to: string) {
  await drawEdge(page, port(from), port(to));
  const [source, sourcePort] = from.split(' output ').map((s) => s.replace(/ \(.*\)$/, ''));
  const [target, targetPort] = to.split(' input ').map((s) => s.replace(/ \(.*\)$/, ''));
  await page.getByLabel(`Edge ${source}.${sourcePort} to ${target}.${targetPort}`, { exact: true }).waitFor();
}

/** Adds a step from the palette; it appears on the canvas, selected, with its form in the inspector. */
async function add(title: string, id: string) {
  await page.getByRole('button', { name: `Add step ${title}`, exact: true }).click();
  await step(id).waitFor();
  await inspector().getByRole('heading', { name: title, exact: true }).waitFor();
}

/** Selects a step on the canvas to show its form. */
async function select(id: string, title: string) {
  await step(id).click();
  await inspector().getByRole('heading', { name: title, exact: true }).waitFor();
}

/** Arranges the graph and fits it to the canvas, as a person does before reaching for the next handle. */
async function tidy() {
  await page.getByRole('button', { name: 'Auto layout', exact: true }).click();
  await page.waitForTimeout(500);
}

function item(list: string, n: number): Locator {
  return inspector().getByRole('group', { name: `${list} ${n}`, exact: true });
}

describe('the example pipelines', () => {
  it('are listed on first start and open in the editor without problems', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    for (const name of ['penguin-species', 'penguin-features']) await page.getByRole('link', { name, exact: true }).waitFor();
    // Each says what it shows.
    await page.getByText(/^Predict a car's miles per gallon/).waitFor();
    await shot('overview');
    await page.getByRole('link', { name: 'car-mileage', exact: true }).click();
    for (const id of ['check', 'known', 'year', 'power', 'columns', 'split', 'fill', 'train', 'eval', 'gate', 'ship']) await step(id).waitFor();
    await page.getByText('Valid pipeline: ready to save and run').waitFor();
    await select('fill', 'Fill missing values');
    expect(await item('Column', 2).getByLabel('Column', { exact: true }).inputValue()).toBe('Horsepower per 1000 lbs');
    await shot('example');
  }, 120_000);
});

describe('an analyst builds a pipeline from the palette', () => {
  it('load → check → clean → derive → join → split → train → evaluate → gate → deploy, then reads the run', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByLabel('New pipeline name', { exact: true }).fill(NAME);
    await page.getByRole('button', { name: 'New pipeline', exact: true }).click();
    await page.getByRole('complementary', { name: 'Step palette' }).waitFor();

    // Load: an example dataset, penguins by default.
    await add('Example dataset', 'sample');
    await inspector().getByLabel('Example dataset', { exact: true }).selectOption('penguins');

    // Check: two expectations, each form showing only the fields its check needs.
    await add('Data checks', 'data');
    await connect('sample output table (table)', 'data input table (table)');
    await tidy();
    await select('data', 'Data checks');
    if ((await item('Expectation', 1).count()) === 0) await inspector().getByRole('button', { name: 'Add expectation' }).click();
    await item('Expectation', 1).getByLabel('Check', { exact: true }).selectOption('not null');
    await item('Expectation', 1).getByLabel('Column', { exact: true }).fill('Species');
    expect(await item('Expectation', 1).getByLabel('Allowed values', { exact: true }).count()).toBe(0);
    await inspector().getByRole('button', { name: 'Add expectation' }).click();
    await item('Expectation', 2).getByLabel('Check', { exact: true }).selectOption('in allowed values');
    await item('Expectation', 2).getByLabel('Column', { exact: true }).fill('Island');
    await item('Expectation', 2).getByLabel('Allowed values', { exact: true }).fill('Biscoe, Dream, Torgersen');
    expect(await item('Expectation', 2).getByLabel('Pattern', { exact: true }).count()).toBe(0);
    expect(await item('Expectation', 2).getByLabel('If it fails', { exact: true }).getAttribute('title')).toBe('fail stops the steps after this one; warn only reports');
    await shot('check');

    // Clean: fill the missing body masses and sexes.
    await add('Fill missing values', 'impute');
    await connect('data output table (table)', 'impute input train (table)');
    await tidy();
    await select('impute', 'Fill missing values');
    if ((await item('Column', 1).count()) === 0) await inspector().getByRole('button', { name: 'Add column' }).click();
    await item('Column', 1).getByLabel('Column', { exact: true }).fill('Body Mass (g)');
    await item('Column', 1).getByLabel('Fill with', { exact: true }).selectOption('median');
    await inspector().getByRole('button', { name: 'Add column' }).click();
    await item('Column', 2).getByLabel('Column', { exact: true }).fill('Sex');
    await item('Column', 2).getByLabel('Fill with', { exact: true }).selectOption('mode');
    expect(await item('Column', 2).getByLabel('Constant', { exact: true }).count()).toBe(0);
    await shot('clean');

    // Derive: the one place code is typed.
    await add('Derive column', 'derive');
    await connect('impute output train (table)', 'derive input table (table)');
    await tidy();
    await select('derive', 'Derive column');
    await inspector().getByLabel('Column name', { exact: true }).fill('Beak ratio');
    await inspector().getByRole('textbox', { name: 'Expression' }).focus();
    await page.keyboard.type('"Beak Length (mm)" / "Beak Depth (mm)"');
    await page.keyboard.press('Escape');

    // Join each penguin with its island's count and mean body mass.
    await add('Aggregate', 'aggregate');
    await connect('derive output table (table)', 'aggregate input table (table)');
    await tidy();
    await select('aggregate', 'Aggregate');
    // Column chips work from the keyboard: focus, then Space.
    const island = inspector().getByRole('checkbox', { name: 'Island VARCHAR' });
    await island.focus();
    await page.keyboard.press('Space');
    expect(await island.isChecked()).toBe(true);
    // The default aggregate is shown, and its empty column says what it means.
    expect(await item('Aggregate', 1).getByLabel('Function', { exact: true }).inputValue()).toBe('count');
    expect(await item('Aggregate', 1).getByLabel('Column', { exact: true }).getAttribute('placeholder')).toBe('Empty with count = count rows');
    await item('Aggregate', 1).getByLabel('Output name', { exact: true }).fill('Penguins on island');
    await inspector().getByRole('button', { name: 'Add aggregate' }).click();
    await item('Aggregate', 2).getByLabel('Column', { exact: true }).fill('Body Mass (g)');
    await item('Aggregate', 2).getByLabel('Function', { exact: true }).selectOption('mean');
    await item('Aggregate', 2).getByLabel('Output name', { exact: true }).fill('Island mean mass (g)');
    await shot('aggregate');

    await add('Join', 'join');
    await connect('derive output table (table)', 'join input left (table)');
    await connect('aggregate output table (table)', 'join input right (table)');
    await tidy();
    await select('join', 'Join');
    await inspector().getByLabel('Join type', { exact: true }).selectOption('left');
    if ((await item('Key', 1).count()) === 0) await inspector().getByRole('button', { name: 'Add key' }).click();
    await item('Key', 1).getByLabel('Left column', { exact: true }).fill('Island');
    await item('Key', 1).getByLabel('Right column', { exact: true }).fill('Island');
    await shot('join');

    // Split, stratified by species.
    await add('Train/test split', 'split');
    await connect('join output table (table)', 'split input table (table)');
    await tidy();
    await select('split', 'Train/test split');
    await inspector().getByLabel('Test fraction', { exact: true }).fill('0.25');
    await inspector().getByLabel('Seed', { exact: true }).fill('7');
    await inspector().getByLabel('Stratify by', { exact: true }).fill('Species');

    // Train and evaluate on the held-out rows.
    await add('Random forest', 'random_forest');
    await connect('split output train (table)', 'random_forest input table (table)');
    await tidy();
    await select('random_forest', 'Random forest');
    await inspector().getByLabel('Target', { exact: true }).fill('Species');

    await add('Evaluate', 'evaluate');
    await connect('random_forest output model (model)', 'evaluate input model (model)');
    await connect('split output test (table)', 'evaluate input table (table)');
    await tidy();

    // Gate on accuracy, then deploy only when it passes.
    await add('Quality gate', 'gate');
    await connect('evaluate output metrics (metrics)', 'gate input metrics (metrics)');
    await tidy();
    await select('gate', 'Quality gate');
    if ((await item('Rule', 1).count()) === 0) await inspector().getByRole('button', { name: 'Add rule' }).click();
    await item('Rule', 1).getByLabel('Metric', { exact: true }).fill('accuracy');
    await item('Rule', 1).getByLabel('Operator', { exact: true }).selectOption('>=');
    await item('Rule', 1).getByLabel('Value', { exact: true }).fill('0.9');
    await shot('gate');

    await add('Deploy to endpoint', 'endpoint');
    await connect('random_forest output model (model)', 'endpoint input model (model)');
    await connect('gate output pass (signal)', 'endpoint input after (signal)');
    await tidy();
    await select('endpoint', 'Deploy to endpoint');
    await inspector().getByLabel('Endpoint name', { exact: true }).fill(NAME);

    await tidy();
    await page.getByText('Valid pipeline: ready to save and run').waitFor();
    await shot('editor');

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const notice = page.getByRole('status').or(page.getByRole('alert')).filter({ hasText: /Saved version|Not saved/ });
    await notice.waitFor();
    await shot('saved');
    expect(await notice.textContent(), await page.getByRole('region', { name: 'Validation' }).allTextContents().then((t) => t.join(' | '))).toBe('Saved version 1');

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    await page.getByRole('status', { name: 'Run status: succeeded' }).waitFor({ timeout: 240_000 });
    for (const id of ['sample', 'data', 'impute', 'derive', 'aggregate', 'join', 'split', 'random_forest', 'evaluate', 'gate', 'endpoint']) {
      expect(await page.getByRole('row', { name: `Step ${id}`, exact: true }).getByText('succeeded', { exact: true }).count(), id).toBe(1);
    }
    const accuracy = Number(await page.getByRole('group', { name: 'Accuracy', exact: true }).getByRole('definition').textContent());
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(accuracy).toBeLessThanOrEqual(1);
    await page.getByText('Gate passed').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-analyst-run.png'), fullPage: true });
    // The deployed endpoint: on the step in the graph, and its address in the step's summary.
    await page.getByRole('group', { name: 'Step endpoint: succeeded', exact: true }).getByText(new RegExp(`→ ${NAME} v\\d+`)).waitFor();
    await page.getByRole('row', { name: 'Step endpoint', exact: true }).getByText(`/api/v1/endpoints/${NAME}/predict`).waitFor();
  }, 600_000);
});
