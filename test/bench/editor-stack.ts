// The editor group's measuring process (test/bench/editor.ts starts it): its own stack with the built web app,
// big pipelines saved through REST, and headless Chromium opening each in the editor and, alternately, in a
// bare page where React Flow alone renders the same nodes and edges (test/bench/editor-raw-page.tsx, bundled
// here with esbuild and served by a small static server). Prints one line "RESULT {json}" at the end.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bigPipeline } from '../support/big-pipeline';
import { benchAuthHeaders, measureOnOwnStack, repoRoot, say } from './bench-stack';
import { PROBE, type ProbeState } from './editor-probe';

const REPS = Number(process.env.MILLRACE_BENCH_EDITOR_REPS ?? 3);
const PAN_MS = 2_000;
const VIEWPORT = { width: 1680, height: 1000 };

export interface EditorCase {
  name: string;
  nodes: number;
  positions: boolean;
}
export interface LoadFigures {
  firstNodePaintMs: number;
  interactiveMs: number;
  panP50Ms: number;
  panP95Ms: number;
  frames: number;
}
export interface EditorMeasurement {
  cases: (EditorCase & { edges: number; editor: LoadFigures[]; raw: LoadFigures[] })[];
  canvas: { width: number; height: number };
  chromium: string;
}

const CASES: EditorCase[] = [
  { name: 'bench-editor-200', nodes: 200, positions: true },
  { name: 'bench-editor-500', nodes: 500, positions: true },
  { name: 'bench-editor-1000', nodes: 1000, positions: true },
  { name: 'bench-editor-1000-unplaced', nodes: 1000, positions: false },
];

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
};

/** The raw page's files: esbuild's bundle, React Flow's stylesheet and the graphs, from a folder of its own. */
async function serveRawPage(dir: string, graphs: Record<string, unknown>): Promise<{ url: string; close: () => void }> {
  await build({
    entryPoints: [path.join(repoRoot, 'test', 'bench', 'editor-raw-page.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    outfile: path.join(dir, 'raw.js'),
    logLevel: 'error',
  });
  fs.copyFileSync(path.join(repoRoot, 'node_modules', '@xyflow', 'react', 'dist', 'style.css'), path.join(dir, 'style.css'));
  fs.mkdirSync(path.join(dir, 'graphs'));
  for (const [name, graph] of Object.entries(graphs)) fs.writeFileSync(path.join(dir, 'graphs', `${name}.json`), JSON.stringify(graph));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/style.css"></head>' +
      '<body style="margin:0"><div id="root"></div><script type="module" src="/raw.js"></script></body></html>',
  );
  const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.html': 'text/html' };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const probe = (page: Page) => page.evaluate(() => (window as unknown as { __probe: ProbeState }).__probe);

/** One page load: first node painted, a click on a node handled, then ~2 s of panning with the mouse. */
async function measureLoad(browser: Browser, url: string): Promise<LoadFigures> {
  const page = await browser.newPage({ viewport: VIEWPORT, extraHTTPHeaders: benchAuthHeaders() });
  try {
    await page.addInitScript(PROBE);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { __probe?: ProbeState }).__probe?.settledMs != null, null, { timeout: 120_000, polling: 50 });
    // A node wholly on screen, clicked in its title area (not on a port).
    const target = await page.evaluate(() => {
      const pane = document.querySelector('.react-flow')!.getBoundingClientRect();
      for (const n of document.querySelectorAll('.react-flow__node')) {
        const r = n.getBoundingClientRect();
        if (r.left > pane.left && r.right < pane.right && r.top > pane.top && r.bottom < pane.bottom) return { x: r.left + r.width / 2, y: r.top + 14 };
      }
      return null;
    });
    if (!target) throw new Error(`no node wholly in view at ${url}`);
    await page.mouse.click(target.x, target.y);
    await page.waitForFunction(() => (window as unknown as { __probe: ProbeState }).__probe.selectedMs != null, null, { timeout: 30_000, polling: 20 });

    // Pan from a spot of empty pane, as a person drags the background.
    const start = await page.evaluate(() => {
      const pane = document.querySelector('.react-flow')!.getBoundingClientRect();
      for (let y = pane.top + pane.height * 0.3; y < pane.bottom - 20; y += 7) {
        for (let x = pane.left + pane.width * 0.3; x < pane.right - 20; x += 7) {
          if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
        }
      }
      return null;
    });
    if (!start) throw new Error(`no empty pane to drag at ${url}`);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.evaluate(() => {
      const p = (window as unknown as { __probe: ProbeState }).__probe;
      p.frames = [];
      p.panning = true;
    });
    const t0 = Date.now();
    for (let i = 1; Date.now() - t0 < PAN_MS; i++) {
      await page.mouse.move(start.x - (i % 400) * 1.5, start.y - (i % 400) * 0.75);
    }
    await page.evaluate(() => {
      (window as unknown as { __probe: ProbeState }).__probe.panning = false;
    });
    await page.mouse.up();
    const p = await probe(page);
    const deltas = p.frames.slice(1).map((t, i) => t - p.frames[i]!);
    return {
      firstNodePaintMs: p.firstNodePaintMs!,
      interactiveMs: p.selectedMs!,
      panP50Ms: quantile(deltas, 0.5),
      panP95Ms: quantile(deltas, 0.95),
      frames: deltas.length,
    };
  } finally {
    await page.close();
  }
}

async function main() {
  await measureOnOwnStack('editor', { web: 'start' }, async (stack, dataDir) => {
    const base = stack.webUrl!;
    const graphs: Record<string, unknown> = {};
    const cases: EditorMeasurement['cases'] = [];
    for (const c of CASES) {
      const doc = bigPipeline(c.name, c.nodes, { positions: c.positions });
      const res = await fetch(`${base}/api/v1/pipelines/${c.name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
      if (!res.ok) throw new Error(`PUT ${c.name}: ${res.status} ${await res.text()}`);
      // The raw page gets positions always: React Flow has no layout of its own.
      const placed = c.positions ? doc : bigPipeline(c.name, c.nodes, { positions: true });
      graphs[c.name] = {
        nodes: placed.nodes.map((n) => ({ id: n.id, position: n.position })),
        edges: placed.edges.map((e) => ({ source: e.from.split('.')[0], target: e.to.split('.')[0] })),
      };
      cases.push({ ...c, edges: doc.edges.length, editor: [], raw: [] });
    }
    const rawDir = fs.mkdtempSync(path.join(dataDir, 'raw-page-'));
    const raw = await serveRawPage(rawDir, graphs);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    try {
      // The raw page gets the editor's canvas size, so both render the same visible nodes.
      const sizing = await browser.newPage({ viewport: VIEWPORT, extraHTTPHeaders: benchAuthHeaders() });
      await sizing.goto(`${base}/pipelines/${CASES[0]!.name}`);
      const box = (await sizing.getByRole('application', { name: 'Pipeline canvas' }).boundingBox())!;
      await sizing.close();
      const canvas = { width: Math.round(box.width), height: Math.round(box.height) };
      const rawUrl = (name: string) => `${raw.url}/?w=${canvas.width}&h=${canvas.height}#${name}`;

      // Warm-up, untimed: the first load of each page compiles and caches its scripts.
      await measureLoad(browser, `${base}/pipelines/${CASES[0]!.name}`);
      await measureLoad(browser, rawUrl(CASES[0]!.name));
      for (const c of cases) {
        for (let rep = 0; rep < REPS; rep++) {
          c.editor.push(await measureLoad(browser, `${base}/pipelines/${c.name}`));
          c.raw.push(await measureLoad(browser, rawUrl(c.name)));
          say(`${c.name} rep ${rep + 1}: editor ${JSON.stringify(c.editor.at(-1))} raw ${JSON.stringify(c.raw.at(-1))}`);
        }
      }
      return { cases, canvas, chromium: browser.version() } satisfies EditorMeasurement;
    } finally {
      await browser.close();
      raw.close();
    }
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void main();
