import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { drawEdge, openChromiumPage, SHOTS } from '../support/browser';
import { http } from '../support/http';

// A person's whole way through the builder, from an empty canvas, by mouse and keyboard only: upload a
// dataset, drag and connect steps, fill their forms, undo and redo, copy and paste, save with a message,
// change and save again, compare the two versions, run, read the results and look at the data.

const NAME = 'journey-penguins';
const DATASET = 'journey-penguins-data';

const chromium = openChromiumPage('builder-journey');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const inspector = () => page.getByRole('complementary', { name: 'Inspector' });
const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });
const port = (label: string) => page.getByLabel(label, { exact: true });
const edge = (label: string) => page.getByLabel(`Edge ${label}`, { exact: true });
const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `e2e-journey-${name}.png`) });

/** The penguins of vega-datasets as a CSV file, as a person would have it on disk. */
function penguinsCsv(): string {
  const rows = JSON.parse(readFileSync(path.resolve('node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
  const columns = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

/** What a person's drop of a file does: dragenter, dragover and drop carrying the file. */
async function dropFile(target: Locator, fileName: string, text: string) {
  await target.evaluate(
    (el, { fileName, text }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], fileName, { type: 'text/csv' }));
      for (const kind of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(kind, { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { fileName, text },
  );
}

async function connect(from: string, to: string, label: string) {
  await drawEdge(page, port(from), port(to));
  // Attached, not visible: a level edge between two steps side by side has no height.
  await edge(label).waitFor({ state: 'attached' });
}

async function select(id: string, title: string) {
  await step(id).click();
  await inspector().getByRole('heading', { name: title, exact: true }).waitFor();
}

describe('building a pipeline from an empty canvas', () => {
  it('uploads, drags, connects, fills, undoes, pastes, saves, compares, runs and previews, all in the browser', async () => {
    // A new, empty pipeline.
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByLabel('New pipeline name', { exact: true }).fill(NAME);
    await page.getByRole('button', { name: 'New pipeline', exact: true }).click();
    const canvas = page.getByRole('application', { name: 'Pipeline canvas' });
    await canvas.waitFor();
    await page.getByText('An empty pipeline', { exact: true }).waitFor();
    const box = (await canvas.boundingBox())!;

    // A Dataset step dragged in, and the data uploaded from beside its picker by dropping a file.
    await page.getByRole('button', { name: 'Add step Dataset' }).dragTo(canvas, { targetPosition: { x: box.width * 0.15, y: box.height * 0.3 } });
    await step('dataset').waitFor();
    await inspector().getByRole('button', { name: 'Upload…' }).click();
    const upload = page.getByRole('dialog', { name: 'Upload dataset' });
    await dropFile(upload.getByRole('group', { name: 'Drop a file here' }), 'Journey Penguins.csv', penguinsCsv());
    const datasetName = upload.getByRole('textbox', { name: 'Dataset name' });
    await expect.poll(() => datasetName.inputValue()).toBe('journey-penguins');
    await datasetName.fill(DATASET);
    await upload.getByRole('button', { name: 'Upload', exact: true }).click();
    await upload.getByRole('status').getByText(`${DATASET} version 1`).waitFor();
    expect(await upload.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('100');
    await upload.getByRole('status').getByText('344 rows × 7 columns').waitFor();
    await upload.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => inspector().getByRole('combobox', { name: 'Dataset' }).inputValue()).toBe(DATASET);

    // A split dragged beside it and connected; its form filled.
    await page.getByRole('button', { name: 'Add step Train/test split' }).dragTo(canvas, { targetPosition: { x: box.width * 0.4, y: box.height * 0.3 } });
    await step('split').waitFor();
    await connect('dataset output table (table)', 'split input table (table)', 'dataset.table to split.table');
    await select('split', 'Train/test split');
    await inspector().getByLabel('Test fraction', { exact: true }).fill('0.25');
    await inspector().getByLabel('Stratify by', { exact: true }).fill('Species');

    // A decision tree added from the palette by keyboard, placed at a free spot, connected and filled.
    await page.getByLabel('Search steps', { exact: true }).fill('decision');
    await page.getByRole('button', { name: 'Add step Decision tree' }).focus();
    await page.keyboard.press('Enter');
    await step('decision_tree').waitFor();
    await connect('split output train (table)', 'decision_tree input table (table)', 'split.train to decision_tree.table');
    await select('decision_tree', 'Decision tree');
    const target = inspector().getByLabel('Target', { exact: true });
    await target.fill('Species');

    // Undo and redo: the typed target, then the edge.
    await canvas.click({ position: { x: 10, y: box.height - 10 } }); // leave the field, as a person clicks away
    await page.keyboard.press('Control+z');
    await select('decision_tree', 'Decision tree');
    await expect.poll(() => target.inputValue()).toBe('');
    await page.getByRole('button', { name: 'Redo' }).click();
    await select('decision_tree', 'Decision tree');
    await expect.poll(() => target.inputValue()).toBe('Species');
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('button', { name: 'Undo' }).click();
    await edge('split.train to decision_tree.table').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+Shift+z');
    await edge('split.train to decision_tree.table').waitFor({ state: 'attached' });
    await select('decision_tree', 'Decision tree');
    await expect.poll(() => target.inputValue()).toBe('Species');

    // Copy and paste the tree: a second one appears under a fresh id, with its settings; the menu removes it.
    await step('decision_tree').click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await step('decision_tree_2').waitFor();
    await select('decision_tree_2', 'Decision tree');
    expect(await inspector().getByLabel('Target', { exact: true }).inputValue()).toBe('Species');
    await step('decision_tree_2').click({ button: 'right' });
    await page.getByRole('menu', { name: 'Step decision_tree_2' }).getByRole('menuitem', { name: /^Delete/ }).click();
    await step('decision_tree_2').waitFor({ state: 'detached' });

    // Evaluate on the held-out rows.
    await page.getByLabel('Search steps', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Add step Evaluate', exact: true }).click();
    await step('evaluate').waitFor();
    await connect('decision_tree output model (model)', 'evaluate input model (model)', 'decision_tree.model to evaluate.model');
    await connect('split output test (table)', 'evaluate input table (table)', 'split.test to evaluate.table');
    await page.getByRole('button', { name: 'Auto layout', exact: true }).click();
    await page.waitForTimeout(500);
    await page.getByText('Valid pipeline: ready to save and run').waitFor();
    await shot('built');

    // Saved with a message; then changed and saved again with Ctrl+S.
    await page.getByRole('button', { name: 'Save with a message' }).click();
    const saveDialog = page.getByRole('dialog', { name: 'Save a new version' });
    await saveDialog.getByLabel('Message (optional)').fill('First model from the uploaded penguins');
    await saveDialog.getByRole('button', { name: 'Save version' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 1' }).waitFor();
    await select('decision_tree', 'Decision tree');
    await inspector().getByLabel('Max depth', { exact: true }).fill('3');
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: 'Saved version 2' }).waitFor();

    // The two versions compared.
    await page.getByRole('link', { name: 'All versions' }).click();
    const versions = page.getByRole('table', { name: `Versions of ${NAME}, newest first` });
    await versions.getByText('First model from the uploaded penguins').waitFor();
    const changes = page.getByRole('list', { name: 'Changes from version 1 to version 2' });
    await changes.getByRole('listitem').filter({ hasText: 'added decision_tree.maxDepth: 3' }).waitFor();
    expect(await changes.getByRole('listitem').count()).toBe(1);
    await page
      .getByRole('application', { name: 'Changes from version 1 to version 2 on the canvas' })
      .getByRole('group', { name: 'Step decision_tree: changed' })
      .waitFor();
    await shot('versions');

    // Back to the editor, and run.
    await page.goBack();
    await step('evaluate').waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    await page.getByRole('status', { name: 'Run status: succeeded' }).waitFor({ timeout: 240_000 });

    // The results: scores, the timeline, a step's details with its parameters and log.
    const accuracy = Number(await page.getByRole('group', { name: 'Accuracy', exact: true }).first().getByRole('definition').first().textContent());
    expect(accuracy).toBeGreaterThan(0.8);
    expect(accuracy).toBeLessThanOrEqual(1);
    const timeline = page.getByRole('figure', { name: 'Step timeline' });
    for (const id of ['dataset', 'split', 'decision_tree', 'evaluate']) await timeline.getByRole('cell', { name: id, exact: true }).waitFor();
    await page.getByRole('button', { name: 'Details of step decision_tree' }).click();
    const details = page.getByRole('complementary', { name: 'Step details: decision_tree' });
    await details.getByRole('table', { name: 'Parameters of step decision_tree' }).getByRole('row', { name: /^maxDepth 3$/ }).waitFor();
    await details.getByRole('list', { name: 'Log of step decision_tree' }).getByText(/^fit (started|finished)/).first().waitFor();
    await shot('run');
    await details.getByRole('button', { name: 'Close step details' }).click();

    // The data: the split's training rows, with their types and statistics.
    const runId = page.url().split('/').pop()!;
    const stats = await http<{ rows: number }>('GET', `/api/v1/runs/${runId}/steps/split/outputs/train/stats`);
    expect(stats.status).toBe(200);
    expect(stats.data.rows).toBe(258); // 344 rows, a quarter held out (stratified)
    await page.getByRole('button', { name: `Preview split.train: ${stats.data.rows} rows, 7 columns` }).first().click();
    const preview = page.getByRole('dialog', { name: 'split.train' });
    await preview.getByRole('columnheader', { name: /^Body Mass \(g\)\s*(BIGINT|DOUBLE)$/ }).waitFor();
    await preview.getByRole('img', { name: /^Histogram of Body Mass \(g\): / }).waitFor();
    await preview.getByRole('img', { name: /^Top values of Species: Adelie / }).waitFor();
    await shot('preview');
  }, 600_000);
});
