/**
 * Shared pieces of the e2e specs: the server and browser (started once by run.ts), pages that record
 * console errors and failed requests, screenshots, and pixel comparisons.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type Locator, type Page, type PageScreenshotOptions, type Response } from 'playwright-core';
import { PNG } from 'pngjs';
import { startServer, type Server } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS, launchChromium } from '../../scripts/chromium';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = path.join(repo, 'out');
export const ARTIFACTS = path.join(repo, 'artifacts');
export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');

export { CHROMIUM_ARGS };

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
/** The two widths every page is looked at. */
export const VIEWPORTS: [string, { width: number; height: number }][] = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
];

interface Suite {
  server: Server;
  browser: Browser;
  baseURL: string;
}

let suite: Suite | null = null;

export async function startSuite(): Promise<Suite> {
  const server = await startServer({ root: OUT_DIR, port: 0 });
  const browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  suite = { server, browser, baseURL: server.url };
  return suite;
}

export async function stopSuite(): Promise<void> {
  if (!suite) return;
  await suite.browser.close();
  await suite.server.close();
  suite = null;
}

function current(): Suite {
  if (!suite) throw new Error('run the specs through tests/e2e/run.ts');
  return suite;
}

export function baseURL(): string {
  return current().baseURL;
}

/** Chapter slugs that were built (out/chapters/<slug>/index.html). */
export function builtChapters(): string[] {
  const dir = path.join(OUT_DIR, 'chapters');
  return readdirSync(dir).filter((slug) => existsSync(path.join(dir, slug, 'index.html')));
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** RegExps of URLs or messages a test breaks on purpose. */
  allow?: RegExp[];
  reducedMotion?: 'reduce' | 'no-preference';
  /** Default action and navigation timeout, for a machine whose cores are busy (Playwright's default otherwise). */
  timeout?: number;
}

export interface OpenPage {
  page: Page;
  context: BrowserContext;
  problems: string[];
  goto(pathname: string): Promise<Response | null>;
  assertClean(): void;
  close(): Promise<void>;
}

/**
 * A fresh browser context and page that record console errors, page errors, failed requests and
 * HTTP errors. `allow` lists RegExps of URLs/messages a test breaks on purpose.
 */
export async function openPage({
  viewport = DESKTOP,
  colorScheme = 'light',
  allow = [],
  reducedMotion = 'reduce',
  timeout,
}: PageOptions = {}): Promise<OpenPage> {
  const { browser, baseURL } = current();
  const context = await browser.newContext({ viewport, colorScheme, reducedMotion, deviceScaleFactor: 1 });
  // tsx compiles the specs keeping function names: a named function inside a callback the page
  // evaluates calls esbuild's __name helper, which the page must then have too.
  await context.addInitScript('globalThis.__name = (f) => f;');
  const page = await context.newPage();
  if (timeout) {
    page.setDefaultTimeout(timeout);
    page.setDefaultNavigationTimeout(timeout);
  }
  const problems: string[] = [];
  const allowed = (text: string) => allow.some((re) => re.test(text));
  page.on('console', (msg) => {
    const where = msg.location()?.url ?? '';
    if (msg.type() === 'error' && !allowed(`${msg.text()} ${where}`)) problems.push(`console error: ${msg.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (err) => {
    if (!allowed(String(err))) problems.push(`page error: ${err}`);
  });
  page.on('requestfailed', (req) => {
    // ERR_ABORTED is a request the page itself cancelled (Next's link prefetches when a test moves on).
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    if (!allowed(req.url())) problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !allowed(res.url())) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return {
    page,
    context,
    problems,
    goto: (pathname) => page.goto(new URL(pathname, baseURL).href, { waitUntil: 'load' }),
    /** Fails with the list of unexpected console errors and failed requests. */
    assertClean() {
      assert.deepEqual(problems, [], `unexpected errors on the page:\n${problems.join('\n')}`);
    },
    async close() {
      await context.close();
    },
  };
}

export async function screenshot(page: Page, name: string, options: PageScreenshotOptions = {}): Promise<string> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  return file;
}

/** Decoded RGBA pixels of an element's screenshot. */
export interface Pixels {
  width: number;
  height: number;
  data: Uint8Array;
}

export async function elementPixels(locator: Locator): Promise<Pixels> {
  const png = PNG.sync.read(await locator.screenshot({ animations: 'disabled' }));
  return { width: png.width, height: png.height, data: png.data };
}

/** How many pixels differ (any channel by more than `tolerance`) between two same-size captures. */
export function changedPixels(a: Pixels, b: Pixels, tolerance = 8): number {
  assert.equal(a.width, b.width, 'captures differ in width (the widget changed size)');
  assert.equal(a.height, b.height, 'captures differ in height (the widget changed size)');
  let changed = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (
      Math.abs(a.data[i] - b.data[i]) > tolerance ||
      Math.abs(a.data[i + 1] - b.data[i + 1]) > tolerance ||
      Math.abs(a.data[i + 2] - b.data[i + 2]) > tolerance
    ) {
      changed++;
    }
  }
  return changed;
}

/** Writes a JSON artifact (page weight, timings) to artifacts/. */
export function writeArtifact(name: string, value: unknown): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, name), `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Sets a range input's value the way a user's drag does (native setter + input event), then resolves
 * on the next animation frame with what `read` returns then: proves a repaint within one frame.
 * `read` runs in the page, so it may use only what it finds there.
 */
export async function setRangeAndReadNextFrame<R>(page: Page, selector: string, value: number, read: () => R): Promise<R> {
  return page.evaluate(
    ({ selector, value, readSource }) => {
      const input = document.querySelector<HTMLInputElement>(selector);
      if (!input) throw new Error(`no ${selector}`);
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(value));
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const reader = new Function(`return (${readSource})`)() as () => R;
      return new Promise<R>((resolve) => requestAnimationFrame(() => resolve(reader())));
    },
    { selector, value, readSource: read.toString() },
  );
}

/** Sets the range input with this data-testid the way a drag does (native setter + input event). */
export async function setRange(page: Page, testId: string, value: number): Promise<void> {
  await page.evaluate(
    ({ testId, value }) => {
      const input = document.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`);
      if (!input) throw new Error(`no range input ${testId}`);
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(value));
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    { testId, value },
  );
}

/** Sets the range input to each value in turn within one task, as fast as a frantic drag could. */
export async function burstRange(page: Page, testId: string, values: number[]): Promise<void> {
  await page.evaluate(
    ({ testId, values }) => {
      const input = document.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`);
      if (!input) throw new Error(`no range input ${testId}`);
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      for (const v of values) {
        set.call(input, String(v));
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
    },
    { testId, values },
  );
}

/** [width, height] of the canvas with this data-testid. */
export function canvasSize(page: Page, testId: string): Promise<[number, number]> {
  return page.evaluate((id) => {
    const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`);
    if (!c) throw new Error(`no canvas ${id}`);
    return [c.width, c.height] as [number, number];
  }, testId);
}

/** The element's box, failing when it is not rendered. */
export async function boxOf(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${locator} is not rendered`);
  return box;
}

/**
 * Waits until `predicate(element, arg)` holds for the element `selector` finds. The predicate runs in
 * the page (it is sent as source), so it may use only its arguments.
 */
export async function waitFor<A = undefined>(
  page: Page,
  selector: string,
  predicate: (el: HTMLElement, arg: A) => boolean,
  arg?: A,
  timeout = 240_000,
): Promise<void> {
  await page.waitForFunction(
    ({ selector, src, arg }) => {
      const el = document.querySelector(selector);
      return el !== null && (new Function('el', 'arg', `return (${src})(el, arg)`)(el, arg) as boolean);
    },
    { selector, src: predicate.toString(), arg },
    { timeout, polling: 50 },
  );
}

/** Waits until React has hydrated the element (before that, an input event on it never reaches React). */
export async function waitHydrated(page: Page, selector: string, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel);
      return el !== null && Object.keys(el).some((k) => k.startsWith('__reactFiber'));
    },
    selector,
    { timeout },
  );
}

/** The element's data-NAME attribute. */
export function attr(page: Page, selector: string, name: string): Promise<string | null> {
  return page.locator(selector).getAttribute(`data-${name}`);
}

/** The RGBA bytes of the canvas with this data-testid. */
export function canvasRgba(page: Page, testId: string): Promise<number[]> {
  return page.evaluate((id) => {
    const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`);
    if (!c) throw new Error(`no canvas ${id}`);
    return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
  }, testId);
}

/** The grey level (red channel, 0..255) of each pixel of the canvas with this data-testid. */
export async function canvasGrey(page: Page, testId: string): Promise<number[]> {
  const d = await canvasRgba(page, testId);
  return Array.from({ length: d.length / 4 }, (_, i) => d[4 * i]);
}

/** The sticky site header would be painted across an element captured past the viewport: hidden for the capture only. */
export const HIDE_HEADER = '.site-header { visibility: hidden; }';

/** A screenshot of the whole element, even where it is taller than the viewport. */
export async function shotElement(page: Page, selector: string, name: string): Promise<void> {
  await page.locator(selector).screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), animations: 'disabled', style: HIDE_HEADER });
}

/**
 * Runs `body` on the page `open` gives, then checks that the page logged no unexpected error or
 * failed request; the page is closed either way.
 */
export async function withPage(open: Promise<OpenPage>, body: (s: OpenPage) => Promise<void>): Promise<void> {
  const s = await open;
  try {
    await body(s);
    s.assertClean();
  } finally {
    await s.close();
  }
}

/** withPage that first loads `pathname` on the page; `body` gets the page (and the OpenPage, for more navigation). */
export async function withPageAt(open: Promise<OpenPage>, pathname: string, body: (page: Page, s: OpenPage) => Promise<void>): Promise<void> {
  await withPage(open, async (s) => {
    await s.goto(pathname);
    await body(s.page, s);
  });
}

/** Replaces the code in an editor (CodeMirror once loaded) with `code`. */
export async function setCode(page: Page, editor: Locator, code: string) {
  await editor.scrollIntoViewIfNeeded();
  await editor.hover(); // CodeMirror loads when the reader points at the editor
  await page.waitForFunction((el) => el?.getAttribute('data-editor') === 'codemirror', await editor.elementHandle(), { timeout: 60_000 });
  await editor.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(code);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; summary: string }[];
}

/**
 * The WCAG 2.1 A and AA violations axe-core finds on the page as it is now (a tool no one here
 * wrote: the rules are Deque's). Each violation lists the elements it names.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: path.join(repo, 'node_modules', 'axe-core', 'axe.min.js') });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            c: Document,
            o: object,
          ) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), summary: (n.failureSummary ?? '').slice(0, 300) })),
    }));
  });
}

/** Brings every widget on the page into view in turn and waits until it has drawn (no loading line left), up to `ms` each. */
export async function drawAllWidgets(page: Page, ms = 30_000): Promise<void> {
  const count = await page.locator('[data-widget]').count();
  for (let i = 0; i < count; i++) {
    const w = page.locator('[data-widget]').nth(i);
    await w.scrollIntoViewIfNeeded();
    await page
      .waitForFunction(
        (el) => !!el && !/\b(loading|starting|sampling|drawing)\b/i.test(el.textContent ?? '') && el.querySelector('[aria-busy="true"]') === null,
        await w.elementHandle(),
        { timeout: ms },
      )
      .catch(() => undefined); // a widget that stays busy is still checked as it is
  }
}
