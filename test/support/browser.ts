import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';

// Real Chromium for the browser tests: the system's binary (CHROMIUM_PATH, default /usr/bin/chromium),
// headless, with nothing fetched from outside.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** Where browser tests put their screenshots (and a failed test its last picture). */
export const SHOTS = path.resolve('test-results');

/** What the browser reports when the app's Content-Security-Policy refused something. */
export const CSP_REFUSAL = /Content Security Policy|Refused to (load|execute|apply|connect|create|evaluate)/i;

export interface ChromiumPage {
  readonly browser: Browser;
  readonly page: Page;
  /** Console messages matching `cspPattern` since the page opened. */
  readonly cspViolations: string[];
}

/**
 * One Chromium and one page for a test file, signed in as the test admin unless `signedIn: false`: launched before its tests, screenshotted after a failed test
 * (test-results/e2e-failed-<file>-<test>.png), closed after the file. Call at the top of the file; the
 * page exists from the file's first `beforeAll` on.
 */
export function openChromiumPage(
  file: string,
  opts: {
    viewport?: { width: number; height: number };
    timeoutMs?: number;
    context?: BrowserContextOptions;
    cspPattern?: RegExp;
    /** Open the page signed in as the test admin (default); false for a visitor without a session. */
    signedIn?: boolean;
  } = {},
): ChromiumPage {
  let browser: Browser | undefined;
  let page: Page | undefined;
  const cspViolations: string[] = [];
  const opened = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`The ${what} is opened in beforeAll; use it inside hooks and tests`);
    return value;
  };
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: opts.viewport ?? { width: 1680, height: 1000 }, ...opts.context });
    const cookie = inject('adminCookie');
    if (opts.signedIn !== false && cookie) {
      const at = cookie.indexOf('=');
      await page.context().addCookies([{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url: inject('baseUrl') }]);
    }
    page.setDefaultTimeout(opts.timeoutMs ?? 20_000);
    const pattern = opts.cspPattern ?? CSP_REFUSAL;
    page.on('console', (msg) => {
      if (pattern.test(msg.text())) cspViolations.push(msg.text());
    });
  });
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail' || !page || page.isClosed()) return;
    const name = `${file}-${task.name}`.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 120);
    await page.screenshot({ path: path.join(SHOTS, `e2e-failed-${name}.png`), fullPage: true }).catch(() => {});
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      return opened('browser', browser);
    },
    get page() {
      return opened('page', page);
    },
    cspViolations,
  };
}

/** Presses on one port handle and releases on another, the way a person draws an edge. */
export async function drawEdge(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('port handle not on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}
