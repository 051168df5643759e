import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import fs from 'node:fs';
import { stepsByType } from '../../components/canvas/graph-model';
import { stepCardGeometry } from '../../components/canvas/node-geometry';
import { EXAMPLE_PIPELINES } from '../../server/services/seed';
import { PIPELINE_TEMPLATES } from '../../server/templates';
import { bigPipeline } from '../support/big-pipeline';
import { unnamedControls } from '../support/accessible-names';
import { openChromiumPage, SHOTS } from '../support/browser';
import { http, waitForRun } from '../support/http';

// The editor at the sizes people meet: examples legible as they open, big graphs without positions laid
// out, a dark theme that survives reloads, names for every control, and a keyboard-only way to edit.

const chromium = openChromiumPage('editor-scale-theme');
let page: Page;
beforeAll(() => {
  page = chromium.page;
});

const base = () => inject('baseUrl');
const step = (id: string) => page.getByRole('group', { name: `Step ${id}`, exact: true });
const canvas = () => page.getByRole('application', { name: 'Pipeline canvas' });

/** The canvas's zoom, once the opening fit has settled (two equal reads in a row). */
async function settledZoom(): Promise<number> {
  let last = '';
  await expect
    .poll(async () => {
      const now = (await page.locator('.react-flow__viewport').getAttribute('style')) ?? '';
      const same = now === last;
      last = now;
      return same && /scale\(/.test(now);
    }, { timeout: 15_000, interval: 250 })
    .toBe(true);
  return Number(/scale\(([\d.]+)\)/.exec(last)![1]);
}

// Every example pipeline, and every template as a new pipeline opens on it.
const OPENED: { what: string; path: string; doc: () => { nodes: { id: string; type: string }[] } }[] = [
  ...EXAMPLE_PIPELINES.map((name) => ({
    what: `the example "${name}"`,
    path: `/pipelines/${name}`,
    doc: () => JSON.parse(fs.readFileSync(path.resolve(`server/examples/${name}.json`), 'utf8')) as { nodes: { id: string; type: string }[] },
  })),
  ...PIPELINE_TEMPLATES.map((t) => ({ what: `the template "${t.id}"`, path: `/pipelines/legible-${t.id}?template=${t.id}`, doc: () => t.document })),
];

describe('legible at the default view', () => {
  for (const opened of OPENED) {
    it(`opens ${opened.what} with step titles at 11 px or more, every step in view`, async () => {
      await page.goto(`${base()}${opened.path}`);
      await canvas().waitFor();
      await page.getByRole('group', { name: /^Step / }).first().waitFor();
      const zoom = await settledZoom();
      const titles = await page.locator('.react-flow__node').evaluateAll((nodes) =>
        nodes.map((n) => Number.parseFloat(getComputedStyle(n.querySelector('.font-semibold')!).fontSize)),
      );
      expect(titles.length).toBeGreaterThan(0);
      for (const size of titles) expect(size * zoom, `title ${size}px at zoom ${zoom}`).toBeGreaterThanOrEqual(11);

      // The port positions the editor assumes before measuring (so big graphs render only what is in view)
      // are where the browser draws them.
      const example = opened.doc();
      const drawn = await page.locator('.react-flow__node').evaluateAll((nodes, z) =>
        nodes.map((n) => {
          const r = n.getBoundingClientRect();
          return {
            id: n.getAttribute('data-id')!,
            handles: [...n.querySelectorAll('.react-flow__handle')].map((h) => {
              const b = h.getBoundingClientRect();
              const type = h.classList.contains('source') ? 'source' : 'target';
              return { id: h.getAttribute('data-handleid'), type, x: (b.left - r.left) / z, y: (b.top - r.top) / z };
            }),
          };
        }),
      zoom);
      for (const node of drawn) {
        const assumed = stepCardGeometry(stepsByType.get(example.nodes.find((n) => n.id === node.id)!.type)).handles;
        expect(node.handles.length, node.id).toBe(assumed.length);
        for (const h of node.handles) {
          const a = assumed.find((x) => x.id === h.id && x.type === h.type)!;
          expect(Math.abs(h.x - a.x) <= 1 && Math.abs(h.y - a.y) <= 1, `${node.id}.${h.id} drawn at ${h.x},${h.y}, assumed ${a.x},${a.y}`).toBe(true);
        }
      }

      const view = (await canvas().boundingBox())!;
      const boxes = await page.getByRole('group', { name: /^Step / }).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
      for (const b of boxes) {
        expect(b.left >= view.x - 1 && b.right <= view.x + view.width + 1, `${JSON.stringify(b)} in ${JSON.stringify(view)}`).toBe(true);
        expect(b.top >= view.y - 1 && b.bottom <= view.y + view.height + 1, `${JSON.stringify(b)} in ${JSON.stringify(view)}`).toBe(true);
      }
    }, 60_000);
  }
});

describe('a document without positions', () => {
  it('opens 200 steps laid out left to right; after Fit all are in view and none overlap; Auto layout keeps it so', async () => {
    const doc = bigPipeline('scale-200-unplaced', 200, { positions: false });
    expect((await http('PUT', `/api/v1/pipelines/${doc.name}`, doc)).status).toBe(200);

    await page.goto(`${base()}/pipelines/${doc.name}`);
    await canvas().waitFor();
    await page.getByRole('group', { name: /^Step / }).first().waitFor();

    const check = async () => {
      await page.getByRole('button', { name: 'Fit View' }).click();
      await settledZoom();
      const view = (await canvas().boundingBox())!;
      const boxes = await page.getByRole('group', { name: /^Step / }).evaluateAll((els) =>
        els.map((e) => ({ name: e.getAttribute('aria-label')!, ...e.getBoundingClientRect().toJSON() })),
      );
      expect(boxes).toHaveLength(200);
      for (const b of boxes) {
        expect(b.left >= view.x - 1 && b.right <= view.x + view.width + 1 && b.top >= view.y - 1 && b.bottom <= view.y + view.height + 1, b.name).toBe(true);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!;
          const c = boxes[j]!;
          const overlap = a.left < c.right && c.left < a.right && a.top < c.bottom && c.top < a.bottom;
          expect(overlap, `${a.name} overlaps ${c.name}`).toBe(false);
        }
      }
      // Left to right: the dataset before everything it feeds, each chain's steps in order.
      const x = new Map(boxes.map((b) => [b.name, b.left]));
      for (const e of doc.edges) {
        expect(x.get(`Step ${e.from.split('.')[0]}`)!, `${e.from} → ${e.to}`).toBeLessThan(x.get(`Step ${e.to.split('.')[0]}`)!);
      }
    };
    await check();
    await page.screenshot({ path: path.join(SHOTS, 'e2e-scale-200-laid-out.png') });

    await page.getByRole('button', { name: 'Auto layout' }).click();
    await check();
  }, 120_000);
});

describe('the dark theme', () => {
  it('follows the system by default, switches from the header, survives a reload, and every page stays readable', async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 1680, height: 1000 }, colorScheme: 'dark' });
    const dark = await context.newPage();
    try {
      await dark.goto(`${base()}/`);
      const toggle = dark.getByRole('button', { name: 'Dark theme' });
      await toggle.waitFor();
      expect(await dark.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await toggle.click();
      expect(await dark.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(false);
      expect(await toggle.getAttribute('aria-pressed')).toBe('false');
      await dark.reload();
      await toggle.waitFor();
      expect(await dark.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(false);
    } finally {
      await context.close();
    }

    // A person on a light system picks dark; the class is on <html> before any app script runs.
    await page.goto(`${base()}/`);
    const toggle = page.getByRole('button', { name: 'Dark theme' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    const seenBeforeHydration = page.waitForEvent('domcontentloaded').then(() => page.evaluate(() => document.documentElement.classList.contains('dark')));
    await page.reload();
    expect(await seenBeforeHydration).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(lightBackground);

    const runId = await smallRun();
    for (const [shot, url, ready] of [
      ['dashboard', '/', () => page.getByRole('heading', { level: 1 }).first()],
      ['editor', '/pipelines/penguin-species', () => step('train')],
      ['run', `/runs/${runId}`, () => page.getByRole('status', { name: 'Run status: succeeded' })],
      ['dataset', '/datasets/penguins', () => page.getByRole('heading', { name: 'penguins' }).first()],
    ] as const) {
      await page.goto(`${base()}${url}`);
      await ready().waitFor();
      expect(await page.evaluate(() => document.documentElement.classList.contains('dark')), shot).toBe(true);
      if (shot === 'editor') expect(await canvas().getAttribute('class')).toMatch(/\bdark\b/);
      await page.screenshot({ path: path.join(SHOTS, `e2e-dark-${shot}.png`), fullPage: true });
    }
    await page.getByRole('button', { name: 'Dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(false);
    expect(chromium.cspViolations).toEqual([]);
  }, 240_000);
});

let run: Promise<string> | undefined;
/** A short run (dataset and split, no fitting) for the pages that show one. */
function smallRun(): Promise<string> {
  run ??= (async () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'scale-small-run',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 0 } },
        { id: 'split', type: 'prepare.split', params: { testFraction: 0.25, seed: 3 }, position: { x: 290, y: 0 } },
      ],
      edges: [{ from: 'load.table', to: 'split.table' }],
    };
    expect((await http('PUT', `/api/v1/pipelines/${doc.name}`, doc)).status).toBe(200);
    const started = await http<{ runId: string }>('POST', `/api/v1/pipelines/${doc.name}/runs`);
    const done = await waitForRun(started.data.runId);
    expect(done.status).toBe('succeeded');
    return started.data.runId as string;
  })();
  return run;
}

describe('accessible names', () => {
  it('names every button, link, field and [role] element on the dashboard, editor, run, models, datasets and endpoint pages', async () => {
    const runId = await smallRun();
    const pages: [string, string, () => Promise<void>][] = [
      ['dashboard', '/', () => page.getByRole('heading', { level: 1 }).first().waitFor()],
      [
        'editor with a selected step',
        '/pipelines/penguin-species',
        async () => {
          await step('train').click();
          await page.getByRole('textbox', { name: 'Step id' }).waitFor();
        },
      ],
      ['run', `/runs/${runId}`, () => page.getByRole('status', { name: 'Run status: succeeded' }).waitFor()],
      ['models', '/models', () => page.getByRole('heading', { level: 1 }).first().waitFor()],
      ['datasets', '/datasets', () => page.getByRole('link', { name: 'penguins' }).first().waitFor()],
      ['dataset', '/datasets/penguins', () => page.getByRole('heading', { name: 'penguins' }).first().waitFor()],
      ['endpoint', '/endpoints/penguins', () => page.getByRole('heading', { level: 1 }).first().waitFor()],
    ];
    const misses: Record<string, string[]> = {};
    for (const [what, url, ready] of pages) {
      await page.goto(`${base()}${url}`);
      await ready();
      await page.waitForLoadState('networkidle');
      const missing = await unnamedControls(page);
      if (missing.length > 0) misses[what] = missing;
    }
    expect(misses).toEqual({});
  }, 240_000);
});

describe('the keyboard alone', () => {
  it('tabs into the canvas, selects and moves a step with the keys, and rewires an input from the inspector', async () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'scale-keyboard',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 0 } },
        { id: 'split', type: 'prepare.split', params: { testFraction: 0.25, seed: 3 }, position: { x: 320, y: 0 } },
        { id: 'other', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 220 } },
      ],
      edges: [{ from: 'load.table', to: 'split.table' }],
    };
    expect((await http('PUT', `/api/v1/pipelines/${doc.name}`, doc)).status).toBe(200);
    await page.goto(`${base()}/pipelines/${doc.name}`);
    await step('load').waitFor();
    await settledZoom();

    await page.getByRole('combobox', { name: 'Find a step' }).focus();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    for (let i = 0; i < 40 && !(await focused()).startsWith('Step '); i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Step load');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('textbox', { name: 'Step id' }).inputValue()).toBe('load');

    const left = async () => (await step('load').boundingBox())!.x;
    const before = await left();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(left).toBeGreaterThan(before + 10);

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Step split');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('textbox', { name: 'Step id' }).inputValue()).toBe('split');
    const input = page.getByRole('combobox', { name: 'Connect input Table' });
    expect(await input.inputValue()).toBe('load.table');
    // Only outputs of the same type are offered (the split's own outputs are not).
    expect(await input.getByRole('option').allTextContents()).toEqual(['Not connected', 'load.table', 'other.table']);
    await input.focus();
    // Cut: the step itself says its input is missing (only its own decoration changed).
    await input.selectOption('');
    await page.getByRole('group', { name: 'Edge load.table to split.table' }).waitFor({ state: 'detached' });
    await step('split').getByText('Input "Table" (table) is not connected').waitFor();
    expect(await step('load').getByText(/is not connected/).count()).toBe(0);
    await input.selectOption('other.table');
    await page.getByRole('group', { name: 'Edge other.table to split.table' }).waitFor();
    await step('split').getByText('Input "Table" (table) is not connected').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved version 2').waitFor();
    const saved = await http('GET', `/api/v1/pipelines/${doc.name}`);
    const savedDoc = saved.data.document ?? saved.data;
    expect(savedDoc.edges).toEqual([{ from: 'other.table', to: 'split.table' }]);
    expect(savedDoc.nodes.find((n: { id: string }) => n.id === 'load').position.x).toBeGreaterThan(0);
  }, 120_000);
});
