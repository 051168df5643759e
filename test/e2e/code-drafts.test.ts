import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { openChromiumPage, SHOTS } from '../support/browser';
import { http } from '../support/http';

// The pipeline as code beside the canvas, drafts kept across reloads, and Back asking before edits are
// left behind — in real Chromium against the real stack.

const chromium = openChromiumPage('code-drafts');
let page: Page;
/** Monaco says so when it cannot start a web worker and falls back to the page's thread. */
const workerProblems: string[] = [];

beforeAll(() => {
  page = chromium.page;
  page.on('console', (msg) => {
    if (/web worker|Failed to load worker/i.test(msg.text())) workerProblems.push(msg.text());
  });
  // Reloading with unsaved edits: the browser asks first, and the person says "Reload".
  page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()));
});

type Doc = { name: string; nodes: { id: string; params: Record<string, unknown> }[]; edges: { from: string; to: string }[] } & Record<string, unknown>;

async function examplePipeline(name: string): Promise<Doc> {
  const example = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8')) as Doc;
  return { ...example, name, nodes: example.nodes.map((n) => (n.id === 'ship' ? { ...n, params: { endpoint: name } } : n)) };
}

async function putPipeline(doc: Doc) {
  const res = await http('PUT', `/api/v1/pipelines/${doc.name}`, doc);
  expect(res.status, JSON.stringify(res.data)).toBeLessThan(300);
}

const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });
const inspector = () => page.getByRole('complementary', { name: 'Inspector' });
const testFraction = () => inspector().getByLabel('Test fraction', { exact: true });
const unsaved = () => page.getByText('● Unsaved changes');
const codePane = () => page.getByRole('region', { name: 'Pipeline code' });
/** The code pane's visible text, scrolled to its top or its end first (Monaco draws only the lines in view). */
const codeText = async (at: 'top' | 'end' = 'top') => {
  await codePane().getByRole('textbox', { name: 'Pipeline JSON' }).focus();
  await page.keyboard.press(at === 'top' ? 'ControlOrMeta+Home' : 'ControlOrMeta+End');
  // Monaco draws the lines scrolled into view on the next frames.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return (await codePane().innerText()).replace(/[\s\u00a0]+/g, ' ');
};

/** Selects all the code and pastes text over it (the paste event a browser sends, with the text as clipboard data). */
async function pasteIntoCode(text: string) {
  const editor = codePane().getByRole('textbox', { name: 'Pipeline JSON' });
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await editor.evaluate((area, pasted) => {
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

async function selectSplit() {
  await step('split').click();
  await inspector().getByRole('heading', { name: 'Train/test split' }).waitFor();
}

describe('the pipeline as code', () => {
  it('keeps the JSON and the canvas in step both ways, marks problems in both, and undoes a code edit', async () => {
    const doc = await examplePipeline('code-pane');
    await putPipeline(doc);
    await page.goto(`${inject('baseUrl')}/pipelines/code-pane`);
    await step('split').waitFor();
    await page.getByRole('button', { name: 'Code', exact: true }).click();
    await codePane().getByRole('textbox', { name: 'Pipeline JSON' }).waitFor();
    await expect.poll(codeText, { timeout: 20_000 }).toContain('"testFraction": 0.2');
    await selectSplit();

    // A parameter typed in the JSON reaches the inspector, and the canvas' step stays selected.
    const typed = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'split' ? { ...n, params: { ...n.params, testFraction: 0.35 } } : n)) };
    await pasteIntoCode(JSON.stringify(typed, null, 2));
    await expect.poll(() => testFraction().inputValue(), { timeout: 10_000 }).toBe('0.35');
    await unsaved().waitFor();

    // Undo (the toolbar's button) takes the code edit back, in the inspector and in the JSON.
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => testFraction().inputValue(), { timeout: 10_000 }).toBe('0.2');
    await expect.poll(codeText, { timeout: 10_000 }).toContain('"testFraction": 0.2');

    // Completion from the document's JSON Schema: inside a split step's empty params, its parameters.
    const bare = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'split' ? { ...n, params: {} } : n)) };
    await pasteIntoCode(JSON.stringify(bare, null, 2));
    await expect.poll(() => testFraction().inputValue(), { timeout: 10_000 }).toBe('');
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.press('ControlOrMeta+F');
    await page.keyboard.type('"params": {}');
    await page.keyboard.press('Escape'); // the find widget closes, the match stays selected
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+Space');
    await page.getByRole('option', { name: /testFraction/ }).first().waitFor();
    await page.getByRole('option', { name: /stratifyBy/ }).first().waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => testFraction().inputValue(), { timeout: 10_000 }).toBe('0.2');

    // A value changed in the inspector is written into the JSON.
    await testFraction().fill('0.3');
    await expect.poll(codeText, { timeout: 10_000 }).toContain('"testFraction": 0.3');
    await page.screenshot({ path: path.join(SHOTS, 'e2e-code-pane.png') });

    // An edge whose target is broken in the JSON: the Problems panel lists it, and Monaco marks it.
    const current = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'split' ? { ...n, params: { ...n.params, testFraction: 0.3 } } : n)) };
    const broken = { ...current, edges: current.edges.map((e) => (e.to === 'eval.model' ? { ...e, to: 'eval.modl' } : e)) };
    await pasteIntoCode(JSON.stringify(broken, null, 2));
    const message = '"Evaluate" has no input "modl" (inputs: model, table)';
    await page.getByRole('list', { name: 'Problems' }).getByText(message).waitFor();
    // Go to the problems in the editor (F8, from the top): Monaco shows the compiler's messages at their
    // markers — the input left unconnected on the step's id, then the broken edge.
    await codePane().getByRole('textbox', { name: 'Pipeline JSON' }).focus();
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.press('F8');
    await codePane().getByText('Input "Model" (model) is not connected').waitFor();
    await page.keyboard.press('F8');
    await codePane().getByText(message).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-code-pane-marker.png') });
    await page.keyboard.press('Escape');
    await pasteIntoCode(JSON.stringify(current, null, 2));
    await page.getByRole('list', { name: 'Problems' }).getByText(message).waitFor({ state: 'detached' });

    // Text that is not JSON is kept as typed, said why, and not applied; fixed, it applies again.
    const editor = codePane().getByRole('textbox', { name: 'Pipeline JSON' });
    await editor.focus();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type(' oops');
    await codePane().getByText(/Not applied: Not valid JSON \(line \d+, column \d+\): Unexpected "o" after the end of the document/).waitFor();
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    // An edit on the canvas meanwhile does not throw the typed text away.
    await testFraction().fill('0.25');
    await expect.poll(() => codeText('end')).toContain('oops');
    await expect.poll(codeText).toContain('"testFraction": 0.3');
    await editor.focus();
    await page.keyboard.press('ControlOrMeta+End');
    for (let i = 0; i < ' oops'.length; i++) await page.keyboard.press('Backspace');
    await codePane().getByText(/Not applied/).waitFor({ state: 'detached' });
    // The JSON, applied again, wins over the canvas edit made while it was held.
    await expect.poll(() => testFraction().inputValue(), { timeout: 10_000 }).toBe('0.3');
    expect(await editor.getAttribute('aria-invalid')).toBeNull();
  }, 240_000);
});

describe('drafts', () => {
  it('offers unsaved edits back after a reload, says when the pipeline moved on, and forgets them on Discard', async () => {
    const doc = await examplePipeline('draft-keeper');
    await putPipeline(doc);
    await page.goto(`${inject('baseUrl')}/pipelines/draft-keeper`);
    await step('split').waitFor();
    await selectSplit();
    await testFraction().fill('0.35');
    await unsaved().waitFor();
    const stored = () => page.evaluate(() => localStorage.getItem('millrace:draft:draft-keeper'));
    await expect.poll(stored, { timeout: 10_000 }).toContain('0.35');

    await page.reload();
    const offer = page.getByRole('region', { name: 'Unsaved draft' });
    await offer.getByText(/You have unsaved changes from /).waitFor();
    expect(await offer.innerText()).not.toMatch(/changed since/);
    await offer.getByRole('button', { name: 'Restore' }).click();
    await offer.waitFor({ state: 'detached' });
    await unsaved().waitFor();
    await selectSplit();
    expect(await testFraction().inputValue()).toBe('0.35');

    // Someone saves a new version meanwhile: the offer says the draft started from an older one.
    await putPipeline({ ...doc, nodes: doc.nodes.map((n) => (n.id === 'train' ? { ...n, params: { ...n.params, trees: 50 } } : n)) });
    await page.reload();
    await offer.getByText('The saved pipeline has changed since: your draft started from version 1, the newest is version 2.').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-draft-offer.png') });
    await offer.getByRole('button', { name: 'Discard' }).click();
    await offer.waitFor({ state: 'detached' });
    expect(await stored()).toBeNull();
    await selectSplit();
    expect(await testFraction().inputValue()).toBe('0.2');
    expect(await unsaved().count()).toBe(0);

    await page.reload();
    await step('split').waitFor();
    expect(await offer.count()).toBe(0);
  }, 180_000);

  it('keeps a draft of a new pipeline that was never saved', async () => {
    await page.goto(`${inject('baseUrl')}/pipelines/draft-new`);
    const canvas = page.getByRole('application', { name: 'Pipeline canvas' });
    await canvas.waitFor();
    await page.getByRole('button', { name: 'Add step Dataset' }).click();
    await step('dataset').waitFor();
    await expect.poll(() => page.evaluate(() => localStorage.getItem('millrace:draft:draft-new')), { timeout: 10_000 }).toContain('ingest.dataset');
    await page.reload();
    const offer = page.getByRole('region', { name: 'Unsaved draft' });
    await offer.getByRole('button', { name: 'Restore' }).click();
    await step('dataset').waitFor();
  }, 120_000);
});

describe('leaving with the browser Back button', () => {
  it('asks first; Stay keeps the edits, Leave without saving goes back', async () => {
    await putPipeline(await examplePipeline('back-guard'));
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByRole('link', { name: 'back-guard', exact: true }).click();
    await step('split').waitFor();
    await selectSplit();
    await testFraction().fill('0.4');
    await unsaved().waitFor();

    const dialog = page.getByRole('dialog', { name: 'Leave with unsaved changes?' });
    await page.goBack({ waitUntil: 'commit' });
    await dialog.waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-back-guard.png') });
    await dialog.getByRole('button', { name: 'Stay' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toBe('/pipelines/back-guard');
    await unsaved().waitFor();
    expect(await testFraction().inputValue()).toBe('0.4');

    // Asked again on the next Back; leaving goes where Back was going.
    await page.goBack({ waitUntil: 'commit' });
    await dialog.getByRole('button', { name: 'Leave without saving' }).click();
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).toBe('/');
    await page.getByRole('link', { name: 'back-guard', exact: true }).waitFor();
  }, 120_000);

  it('loads Monaco and its workers from the app only, within the content security policy', () => {
    expect(chromium.cspViolations).toEqual([]);
    expect(workerProblems).toEqual([]);
  });
});
