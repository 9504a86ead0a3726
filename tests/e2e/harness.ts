/**
 * Shared pieces of the e2e specs: the server and browser (started once by run.mjs), pages that record
 * console errors and failed requests, screenshots, and pixel comparisons.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { startServer } from '../../scripts/serve.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = path.join(repo, 'out');
export const ARTIFACTS = path.join(repo, 'artifacts');
export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

let suite = null;

export async function startSuite() {
  const server = await startServer({ root: OUT_DIR, port: 0 });
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (set CHROMIUM_PATH or apt-get install chromium)`);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  suite = { server, browser, baseURL: server.url };
  return suite;
}

export async function stopSuite() {
  if (!suite) return;
  await suite.browser.close();
  await suite.server.close();
  suite = null;
}

export function baseURL() {
  if (!suite) throw new Error('run the specs through tests/e2e/run.mjs');
  return suite.baseURL;
}

/** Chapter slugs that were built (out/chapters/<slug>/index.html). */
export function builtChapters() {
  const dir = path.join(OUT_DIR, 'chapters');
  return readdirSync(dir).filter((slug) => existsSync(path.join(dir, slug, 'index.html')));
}

/**
 * A fresh browser context and page that record console errors, page errors, failed requests and
 * HTTP errors. `allow` lists RegExps of URLs/messages a test breaks on purpose.
 */
export async function openPage({ viewport = DESKTOP, colorScheme = 'light', allow = [], reducedMotion = 'reduce' } = {}) {
  if (!suite) throw new Error('run the specs through tests/e2e/run.mjs');
  const context = await suite.browser.newContext({ viewport, colorScheme, reducedMotion, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  const allowed = (text) => allow.some((re) => re.test(text));
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
    async goto(pathname) {
      const response = await page.goto(new URL(pathname, suite.baseURL).href, { waitUntil: 'load' });
      return response;
    },
    /** Fails with the list of unexpected console errors and failed requests. */
    assertClean() {
      assert.deepEqual(problems, [], `unexpected errors on the page:\n${problems.join('\n')}`);
    },
    async close() {
      await context.close();
    },
  };
}

export async function screenshot(page, name, options = {}) {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  return file;
}

/** Decoded RGBA pixels of an element's screenshot. */
export async function elementPixels(locator) {
  const png = PNG.sync.read(await locator.screenshot({ animations: 'disabled' }));
  return { width: png.width, height: png.height, data: png.data };
}

/** How many pixels differ (any channel by more than `tolerance`) between two same-size captures. */
export function changedPixels(a, b, tolerance = 8) {
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
export function writeArtifact(name, value) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, name), `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Sets a range input's value the way a user's drag does (native setter + input event), then resolves
 * on the next animation frame with what `read` returns then: proves a repaint within one frame.
 */
export async function setRangeAndReadNextFrame(page, selector, value, read) {
  return page.evaluate(
    ({ selector, value, readSource }) => {
      const input = document.querySelector(selector);
      if (!input) throw new Error(`no ${selector}`);
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      setter.call(input, String(value));
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const reader = new Function(`return (${readSource})`)();
      return new Promise((resolve) => requestAnimationFrame(() => resolve(reader())));
    },
    { selector, value, readSource: read.toString() },
  );
}
