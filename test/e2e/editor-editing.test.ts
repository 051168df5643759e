import fs from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { openChromiumPage, SHOTS } from '../support/browser';
import { http, waitForRun } from '../support/http';

// Editing on the canvas as a person does it: right-click menus (mouse and keyboard), box selection and the
// inspector for several steps, dropping steps onto edges, the palette's help, and sticky notes that are saved,
// undone and shown on the run page.

const chromium = openChromiumPage('editor-editing');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });
const edge = (from: string, to: string) => page.getByRole('group', { name: `Edge ${from} to ${to}`, exact: true });
/** An edge drawn flat between two ports: it can be flat enough to count as not visible, so wait for it in the page. */
const edgeThere = (from: string, to: string) => edge(from, to).waitFor({ state: 'attached' });
const edgeGone = (from: string, to: string) => edge(from, to).waitFor({ state: 'detached' });
/** Halfway between an output and an input port: on the (straight) edge between them. */
async function between(from: string, to: string) {
  const [a, b] = await Promise.all([centre(page.getByLabel(`${from} (table)`, { exact: true })), centre(page.getByLabel(`${to} (table)`, { exact: true }))]);
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}
const canvas = () => page.getByRole('application', { name: 'Pipeline canvas' });
const inspector = () => page.getByRole('complementary', { name: 'Inspector' });

// data → split → tree in a row (so each edge is straight), and a step with no edges below split.
const graph = (name: string) => ({
  apiVersion: 'millrace/v1',
  name,
  nodes: [
    { id: 'data', type: 'ingest.sample', params: { sample: 'penguins' }, position: { x: 0, y: 0 } },
    { id: 'split', type: 'prepare.split', params: {}, position: { x: 600, y: 0 } },
    { id: 'tree', type: 'train.decision_tree', params: { target: 'Species' }, position: { x: 1200, y: 0 } },
    { id: 'rows', type: 'prepare.sample', params: {}, position: { x: 600, y: 350 } },
  ],
  edges: [
    { from: 'data.table', to: 'split.table' },
    { from: 'split.train', to: 'tree.table' },
  ],
});

/** A new pipeline with the graph imported from a file (not saved: a step without edges would not compile). */
async function open(name: string, doc: object = graph(name)) {
  await page.goto(`${inject('baseUrl')}/pipelines/${name}`);
  await canvas().waitFor();
  await page.getByLabel('Import a pipeline file', { exact: true }).setInputFiles({
    name: `${name}.json`,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(doc)),
  });
  await step('data').waitFor();
  await settled();
}

/** Waits until the canvas stops moving (the fit after an import animates). */
async function settled() {
  const transform = () => page.locator('.react-flow__viewport').getAttribute('style');
  let last = await transform();
  for (;;) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await transform();
    if (now === last) return;
    last = now;
  }
}

const centre = async (l: Locator) => {
  const b = (await l.boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};

/** A point of the canvas with nothing on it: below the steps, mid-width (or `across` of it). */
async function emptySpot(across = 0.5) {
  const box = (await canvas().boundingBox())!;
  return { x: box.x + box.width * across, y: box.y + box.height * 0.86 };
}

async function rightClickPane(across = 0.5) {
  const p = await emptySpot(across);
  await page.mouse.click(p.x, p.y, { button: 'right' });
  return page.getByRole('menu', { name: 'Canvas' });
}

const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? '');
const undo = () => page.keyboard.press('Control+z');

describe('right-click menus', () => {
  it('on a step, the canvas and a selection, by mouse and by keyboard', async () => {
    await open('edit-menus');

    // A step: its items, the first focused, arrows move, Escape closes.
    await step('split').click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Step split' });
    await menu.waitFor();
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Rename', 'DuplicateCtrl+D', 'CopyCtrl+C', 'Preview up to here', 'Add a note', 'DeleteDelete']);
    expect(await focusedText()).toBe('Rename');
    await page.keyboard.press('ArrowDown');
    expect(await focusedText()).toBe('DuplicateCtrl+D');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await focusedText()).toBe('DeleteDelete');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });

    // Duplicate from the menu.
    await step('split').click({ button: 'right' });
    await menu.getByRole('menuitem', { name: /^Duplicate/ }).click();
    await step('split_2').waitFor();

    // The keyboard: Shift+F10 on a focused step opens its menu; Rename goes to the step's id field.
    await step('tree').focus();
    await page.keyboard.press('Shift+F10');
    const treeMenu = page.getByRole('menu', { name: 'Step tree' });
    await treeMenu.waitFor();
    await page.keyboard.press('Enter');
    await treeMenu.waitFor({ state: 'detached' });
    const idField = inspector().getByLabel('Step id', { exact: true });
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('node-id');
    await idField.fill('model');
    await idField.press('Enter');
    await step('model').waitFor();
    await edgeThere('split.train', 'model.table');
    // ContextMenu key too.
    await step('model').focus();
    await page.keyboard.press('ContextMenu');
    await page.getByRole('menu', { name: 'Step model' }).waitFor();
    await page.keyboard.press('Escape');

    // Copy a step, paste it where the canvas menu was opened.
    await step('data').click({ button: 'right' });
    await page.getByRole('menu', { name: 'Step data' }).getByRole('menuitem', { name: /^Copy/ }).click();
    await page.getByText('Copied 1 step').waitFor();
    const paneMenu = await rightClickPane();
    expect(await paneMenu.getByRole('menuitem').allTextContents()).toEqual([
      'PasteCtrl+V',
      'Add a step here',
      'Add a note',
      'Auto layout',
      'Select all',
      'Fit view',
    ]);
    await paneMenu.getByRole('menuitem', { name: /^Paste/ }).click();
    await step('data_2').waitFor();
    const pasted = await centre(step('data_2'));
    const spot = await emptySpot();
    expect(Math.abs(pasted.y - spot.y)).toBeLessThan(150);

    // "Add a step here" goes to the palette's search, and the step picked there lands where the menu was.
    await (await rightClickPane(0.3)).getByRole('menuitem', { name: 'Add a step here' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('palette-search');
    await page.keyboard.type('Remove duplicates');
    await page.getByRole('button', { name: 'Add step Remove duplicates', exact: true }).click();
    const added = (await step('dedupe').boundingBox())!;
    const here = await emptySpot(0.3);
    expect(Math.abs(added.x + added.width / 2 - here.x)).toBeLessThan(40);
    expect(Math.abs(added.y - here.y)).toBeLessThan(40);

    // Select all, then a selected step's menu is the selection's: Duplicate, Copy, Delete.
    await (await rightClickPane(0.72)).getByRole('menuitem', { name: 'Select all' }).click();
    await inspector().getByRole('heading', { name: '7 steps selected' }).waitFor();
    await step('data').click({ button: 'right' });
    const several = page.getByRole('menu', { name: '7 selected steps' });
    expect(await several.getByRole('menuitem').allTextContents()).toEqual(['DuplicateCtrl+D', 'CopyCtrl+C', 'DeleteDelete']);
    await several.getByRole('menuitem', { name: /^Delete/ }).click();
    await step('data').waitFor({ state: 'detached' });
    expect(await page.getByRole('group', { name: /^Step / }).count()).toBe(0);
    await undo();
    await step('data').waitFor();
    expect(await page.getByRole('group', { name: /^Step / }).count()).toBe(7);

    // The shortcuts dialog lists the menu's keys.
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.getByText('ContextMenu  or  Shift+F10').waitFor();
    await dialog.getByText('Drag a step onto an edge').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
  }, 120_000);
});

describe('selecting several steps', () => {
  it('Shift+drag draws a box; the inspector lists the selection and acts on it', async () => {
    await open('edit-select');
    const a = (await step('split').boundingBox())!;
    const b = (await step('rows').boundingBox())!;
    await page.keyboard.down('Shift');
    await page.mouse.move(a.x - 20, a.y - 20);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x + b.width) / 2, (a.y + b.y) / 2, { steps: 5 });
    await page.mouse.move(b.x + b.width + 20, b.y + b.height + 20, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');

    await inspector().getByRole('heading', { name: '2 steps selected' }).waitFor();
    const list = inspector().getByRole('list', { name: 'Selected steps' });
    expect(await list.getByRole('button').allTextContents()).toEqual(['splitTrain/test split', 'rowsSample rows']);

    // Align the selection's left edges… they already are; top edges puts rows beside split.
    await inspector().getByRole('button', { name: 'Align top edges' }).click();
    await expect.poll(async () => (await step('rows').boundingBox())!.y).toBeCloseTo(a.y, 0);

    // Duplicate both, then undo it.
    await inspector().getByRole('button', { name: 'Duplicate' }).click();
    await step('split_2').waitFor();
    await step('rows_2').waitFor();
    await inspector().getByRole('heading', { name: '2 steps selected' }).waitFor();
    await undo();
    await step('rows_2').waitFor({ state: 'detached' });

    // Shift+click adds to a selection; Delete removes all of it.
    await step('data').click();
    await step('tree').click({ modifiers: ['Shift'] });
    await inspector().getByRole('heading', { name: '2 steps selected' }).waitFor();
    await inspector().getByRole('button', { name: 'Delete' }).click();
    await step('tree').waitFor({ state: 'detached' });
    await step('data').waitFor({ state: 'detached' });
    await step('split').waitFor();
    await undo();
    // One from the list selects only it.
    await inspector().getByRole('heading', { name: '2 steps selected' }).waitFor();
    await list.getByRole('button', { name: /^tree/ }).click();
    expect(await inspector().getByLabel('Step id', { exact: true }).inputValue()).toBe('tree');
  }, 120_000);
});

describe('dropping a step onto an edge', () => {
  it('from the palette or by dragging a loose step: a→step→b when the types fit, one undo step; otherwise says why', async () => {
    await open('edit-drop');
    const search = page.getByLabel('Search steps', { exact: true });
    const box = (await canvas().boundingBox())!;
    const dropOnto = async (title: string, target: Promise<{ x: number; y: number }>) => {
      await search.fill(title);
      const p = await target;
      await page.getByRole('button', { name: `Add step ${title}`, exact: true }).dragTo(canvas(), { targetPosition: { x: p.x - box.x, y: p.y - box.y } });
    };

    await dropOnto('Remove duplicates', between('data output table', 'split input table'));
    await edgeThere('data.table', 'dedupe.table');
    await edgeThere('dedupe.table', 'split.table');
    await edgeGone('data.table', 'split.table');
    await undo();
    await edgeThere('data.table', 'split.table');
    await step('dedupe').waitFor({ state: 'detached' });

    // A model step has no table output: it is added, the edge stays, and the notice says why.
    await dropOnto('Decision tree', between('data output table', 'split input table'));
    await step('decision_tree').waitFor();
    await page.getByRole('alert').getByText('Added, not inserted into the edge: Decision tree has no table output to feed "Table" of split.').waitFor();
    await edgeThere('data.table', 'split.table');
    await undo();
    await step('decision_tree').waitFor({ state: 'detached' });

    // Drag the loose step by its title onto split → tree; the edge under it is highlighted before the drop.
    const from = (await step('rows').boundingBox())!;
    const to = await between('split output train', 'tree input table');
    const grab = { x: from.x + 60, y: from.y + 14 };
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    await page.mouse.move((grab.x + to.x) / 2, (grab.y + to.y) / 2, { steps: 6 });
    await page.mouse.move(to.x, to.y, { steps: 6 });
    await expect.poll(() => edge('split.train', 'tree.table').getAttribute('class')).toContain('drop-target');
    await page.mouse.up();
    await edgeThere('split.train', 'rows.table');
    await edgeThere('rows.table', 'tree.table');
    await page.screenshot({ path: path.join(SHOTS, 'e2e-edit-drop-on-edge.png') });
    // One undo puts the edge back and the step where it was.
    await undo();
    await edgeThere('split.train', 'tree.table');
    await expect.poll(async () => (await step('rows').boundingBox())!.y).toBeCloseTo(from.y, 0);
  }, 120_000);
});

describe('the palette help', () => {
  it('opens by keyboard, tells what a step does and its ports, and adds it', async () => {
    await open('edit-help');
    await page.getByLabel('Search steps', { exact: true }).fill('Remove duplicates');
    await page.getByRole('button', { name: 'Add step Remove duplicates', exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('About Remove duplicates');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Remove duplicates' });
    await dialog.waitFor();
    expect(await dialog.getByRole('list', { name: 'Inputs' }).textContent()).toBe('Tabletable');
    expect(await dialog.getByRole('list', { name: 'Outputs' }).textContent()).toBe('Tabletable');
    await dialog.getByRole('button', { name: 'Add to pipeline' }).click();
    await dialog.waitFor({ state: 'detached' });
    await step('dedupe').waitFor();
  }, 60_000);
});

describe('sticky notes', () => {
  it('are added from the menu, typed, undone, saved, reloaded and shown on the run graph', async () => {
    const name = 'edit-notes';
    const doc = { apiVersion: 'millrace/v1', name, nodes: [{ id: 'data', type: 'ingest.sample', params: { sample: 'penguins' }, position: { x: 0, y: 0 } }], edges: [] };
    expect((await http('PUT', `/api/v1/pipelines/${name}`, doc)).status).toBeLessThan(300);
    await page.goto(`${inject('baseUrl')}/pipelines/${name}`);
    await step('data').waitFor();
    await (await rightClickPane()).getByRole('menuitem', { name: 'Add a note' }).click();
    const text = page.getByRole('textbox', { name: 'Text of note n1' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Text of note n1');
    await page.keyboard.type('Penguins from three islands');
    await page.getByText('● Unsaved changes').waitFor();

    // Undo the typing, then the note; redo both.
    // Out of the note (to the right of the step), so that Ctrl+Z is the editor's, not the text box's.
    const box = (await canvas().boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.45);
    await undo();
    await expect.poll(() => text.inputValue()).toBe('');
    await undo();
    await text.waitFor({ state: 'detached' });
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => text.inputValue()).toBe('Penguins from three islands');

    // A note's own menu.
    await page.getByRole('group', { name: 'Note n1', exact: true }).click({ button: 'right' });
    const noteMenu = page.getByRole('menu', { name: 'Note' });
    expect(await noteMenu.getByRole('menuitem').allTextContents()).toEqual(['Change colour', 'DeleteDelete']);
    await noteMenu.getByRole('menuitem', { name: 'Change colour' }).click();

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved version 2').waitFor();
    const saved = await http('GET', `/api/v1/pipelines/${name}`);
    expect(saved.data.document.notes).toEqual([{ id: 'n1', text: 'Penguins from three islands', position: expect.any(Object), color: 'blue' }]);

    await page.reload();
    await expect.poll(() => text.inputValue()).toBe('Penguins from three islands');

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\//);
    const runId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('application', { name: 'Run graph' }).getByText('Penguins from three islands').waitFor();
    expect(await page.getByRole('textbox', { name: 'Text of note n1' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-edit-note-run.png') });
    expect((await waitForRun(runId)).status).toBe('succeeded');
  }, 180_000);

  it('travel with the document file: imported, resized, exported', async () => {
    const note = { id: 'why', text: 'Sampled so that the demo runs fast', position: { x: 600, y: 200 }, size: { width: 300, height: 100 }, color: 'green' };
    await open('edit-note-file', { ...graph('edit-note-file'), notes: [note] });
    const text = page.getByRole('textbox', { name: 'Text of note why' });
    expect(await text.inputValue()).toBe(note.text);

    // Resize it by its corner handle (a selected note shows them; a drag handle has no role, so found by class), one undo step.
    await page.getByRole('group', { name: 'Note why', exact: true }).click({ position: { x: 4, y: 4 } });
    const handle = page.locator('.react-flow__node-note .react-flow__resize-control.bottom.right');
    const h = await centre(handle);
    await page.mouse.move(h.x, h.y);
    await page.mouse.down();
    await page.mouse.move(h.x + 60, h.y + 40, { steps: 6 });
    await page.mouse.up();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
    const exported = JSON.parse(await fs.readFile((await download.path())!, 'utf8'));
    expect(exported.notes).toHaveLength(1);
    expect(exported.notes[0]).toMatchObject({ id: 'why', text: note.text, position: note.position, color: 'green' });
    expect(exported.notes[0].size.width).toBeGreaterThan(330);
    expect(exported.notes[0].size.height).toBeGreaterThan(120);
    await undo();
    const [again] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
    expect(JSON.parse(await fs.readFile((await again.path())!, 'utf8')).notes).toEqual([note]);
  }, 60_000);
});
