/**
 * The two look-inside widgets in Chromium on WASM: PatchifyExplorer (chapter 05: digit -> VAE latent
 * -> tokens) and AttentionMaps (chapter 08: the shipped DiT's attention). Each: renders, responds to
 * its controls (pixels and values change), settles on the last setting after a burst of changes,
 * reports broken or missing weights inside the widget while the rest keeps working, and logs no
 * console errors. Screenshots at desktop and phone widths go to artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  boxOf,
  burstRange,
  canvasRgba,
  canvasSize,
  OUT_DIR,
  PHONE,
  openPage as openHarnessPage,
  setRange,
  shotElement,
  waitFor as waitForEl,
  type OpenPage,
  type PageOptions,
  withPage,
} from './harness';

const PATCHIFY = '/chapters/patchify/';
const INSIDE = '/chapters/inside-the-model/';
const PE = '[data-widget="patchify-explorer"]';
const AM = '[data-widget="attention-maps"]';
const TIMEOUT = 180_000;
/** A folder that is not there (a 404), and where it was built, one whose weights are corrupt: each with the message it must give. */
function missingAndBrokenWeights(): [string, RegExp][] {
  const cases: [string, RegExp][] = [['models/missing-v1', /could not be loaded[\s\S]*404/]];
  if (existsSync(path.join(OUT_DIR, 'models', 'dit-broken-dev-v1', 'model.json'))) cases.push(['models/dit-broken-dev-v1', /could not be loaded/]);
  return cases;
}

/** For each folder of missingAndBrokenWeights given as ?param=: the widget says why inside itself; then `more` checks the rest. */
async function eachBrokenFolder(url: string, param: 'vae' | 'model', selector: string, more: (s: OpenPage, folder: string) => Promise<void>): Promise<void> {
  for (const [folder, why] of missingAndBrokenWeights()) {
    await withPage(openPage({ allow: [/missing-v1/, /404/] }), async (s) => {
      await s.goto(`${url}&${param}=${folder}`);
      await s.page.locator(selector).scrollIntoViewIfNeeded();
      await waitFor(s.page, selector, (el) => el.dataset.status === 'error', undefined, 60_000);
      assert.match(await s.page.locator(`${selector} [data-testid="widget-error"]`).innerText(), why);
      await more(s, folder);
    });
  }
}

/** The widget fits a phone's width and the page does not scroll sideways. */
async function assertFitsPhone(page: Page, selector: string): Promise<void> {
  const box = await boxOf(page.locator(selector));
  assert.ok(box.width <= PHONE.width, `the widget fits the phone's width (${box.width} px)`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scroll on a phone (${overflow} px)`);
}

/** A harness page with navigation and action timeouts for a heavily loaded 2-core machine. */
const openPage = (options: PageOptions = {}) => openHarnessPage({ timeout: 120_000, ...options });

/** The whole widget, even where it is taller than the viewport. */
const shot = shotElement;

/** waitFor with this file's bound. */
const waitFor = <A>(page: Page, selector: string, predicate: (el: HTMLElement, arg: A) => boolean, arg?: A, timeout = TIMEOUT) =>
  waitForEl(page, selector, predicate, arg, timeout);

const canvasBytes = canvasRgba;

/** Fill colours of the 64 cells of one latent channel map. */
async function channelFills(page: Page, ch: number) {
  return page.evaluate(
    (ch) =>
      Array.from(document.querySelectorAll(`[data-testid="pe-channel-${ch}"] > rect`))
        .slice(0, 64)
        .map((r) => r.getAttribute('fill')),
    ch,
  );
}

const vectorText = (page: Page) => page.locator('[data-testid="pe-vector"]').innerText();
const isReady = (el: HTMLElement) => el.dataset.status === 'ready' && el.dataset.current === 'true';

describe('patchify explorer (chapter 05)', () => {
  test('model-free parts render at once; the latent arrives when the widget nears the viewport; every control changes the picture', async () => {
    await withPage(openPage(), async (s) => {
      const requested: string[] = [];
      s.context.on('request', (r) => requested.push(r.url()));
      await s.goto(`${PATCHIFY}?backend=wasm`);
      await s.page.waitForSelector(`${PE} [data-testid="pe-table"]`);
      // Before scrolling: the table, the position map and the grid are there, and no model file was asked for.
      assert.equal(await s.page.locator(`${PE} [data-testid="pe-row-2"]`).getAttribute('aria-current'), 'true');
      assert.equal(await s.page.locator(`${PE} [data-testid="pe-position"] rect`).count(), 16 + 1);
      await s.page.waitForTimeout(300);
      assert.deepEqual(
        requested.filter((u) => /\/models\/|\.wasm$/.test(u)),
        [],
        'no weights or wasm before the widget nears the viewport',
      );

      await s.page.locator(PE).scrollIntoViewIfNeeded();
      await waitFor(s.page, PE, isReady);
      assert.equal(await s.page.locator(PE).getAttribute('data-backend'), 'wasm');
      assert.ok(
        requested.some((u) => u.includes('/models/vae-v1/')),
        'the VAE weights loaded',
      );
      assert.match(await s.page.locator(`${PE} [data-testid="pe-encoded"]`).innerText(), /encoded in \d+ ms/);
      const fills0 = await channelFills(s.page, 0);
      assert.ok(new Set(fills0).size > 10, `the latent channel shows varied values (${new Set(fills0).size} colours)`);
      await shot(s.page, PE, 'patchify-05-desktop');

      // Choosing a token (hover a latent cell) changes the listed numbers and the outlined row.
      const v5 = await vectorText(s.page);
      assert.equal((v5.match(/c\d/g) ?? []).length, 4, 'four channel groups');
      await s.page
        .locator('[data-testid="pe-channel-1"] > rect')
        .nth(2 * 8 + 4)
        .hover(); // row 2, column 4: token 6 for p = 2
      assert.equal(await s.page.locator(PE).getAttribute('data-token'), '6');
      assert.notEqual(await vectorText(s.page), v5, 'another token lists other numbers');
      // Keyboard: arrow keys on the latent move the token.
      await s.page.locator('[data-testid="pe-latent"]').focus();
      await s.page.keyboard.press('ArrowDown');
      assert.equal(await s.page.locator(PE).getAttribute('data-token'), '10');
      await s.page.keyboard.press('Home');
      assert.equal(await s.page.locator(PE).getAttribute('data-token'), '0');

      // Patch size: T, token length and the sequence's shape follow.
      const posBefore = await s.page.locator('[data-testid="pe-position"]').innerHTML();
      await s.page.locator('[data-testid="pe-p-1"]').check({ force: true });
      assert.equal(await s.page.locator(PE).getAttribute('data-p'), '1');
      assert.deepEqual(await canvasSize(s.page, 'pe-matrix'), [4, 64]);
      assert.equal((await vectorText(s.page)).match(/[−-]?\d\.\d\d/g)?.length, 4);
      assert.equal(await s.page.locator('[data-testid="pe-token"]').getAttribute('max'), '63');
      assert.notEqual(await s.page.locator('[data-testid="pe-position"]').innerHTML(), posBefore, 'the position map redraws for the 8x8 grid');
      await s.page.locator('[data-testid="pe-p-4"]').check({ force: true });
      assert.deepEqual(await canvasSize(s.page, 'pe-matrix'), [64, 4]);
      assert.equal((await vectorText(s.page)).match(/[−-]?\d\.\d\d/g)?.length, 64);
      assert.equal(await s.page.locator(`${PE} [data-testid="pe-row-4"]`).getAttribute('aria-current'), 'true');
      await s.page.locator('[data-testid="pe-p-2"]').check({ force: true });

      // Another digit: a new latent.
      const req = Number(await s.page.locator(PE).getAttribute('data-request'));
      await s.page.locator('[data-testid="pe-digit-class"]').selectOption('0');
      await waitFor(s.page, PE, (el, r) => Number(el.dataset.request) > r && el.dataset.status === 'ready' && el.dataset.current === 'true', req);
      assert.notDeepEqual(await channelFills(s.page, 0), fills0, 'the digit 0 has another latent');
    });
  });

  test('rapid sample changes settle on the last digit; phone layout', async () => {
    await withPage(openPage({ viewport: PHONE }), async (s) => {
      await s.goto(`${PATCHIFY}?backend=wasm`);
      await s.page.locator(PE).scrollIntoViewIfNeeded();
      await waitFor(s.page, PE, isReady);
      await burstRange(
        s.page,
        'pe-sample',
        Array.from({ length: 20 }, (_, k) => k + 1),
      );
      await waitFor(s.page, PE, isReady);
      const burst = await channelFills(s.page, 2);
      const lastIndex = await s.page.locator(PE).getAttribute('data-digit-index');
      // The same digit reached directly gives the same latent.
      await setRange(s.page, 'pe-sample', 3);
      await waitFor(s.page, PE, (el, i) => el.dataset.status === 'ready' && el.dataset.current === 'true' && el.dataset.digitIndex !== i, lastIndex);
      await setRange(s.page, 'pe-sample', 20);
      await waitFor(s.page, PE, (el, i) => el.dataset.status === 'ready' && el.dataset.current === 'true' && el.dataset.digitIndex === i, lastIndex);
      assert.deepEqual(await channelFills(s.page, 2), burst, "after the burst the latent is the last digit's");
      await assertFitsPhone(s.page, PE);
      await shot(s.page, PE, 'patchify-05-phone');
    });
  });

  test('missing or damaged VAE weights: a message inside the widget; grid, table and position codes keep working', async () => {
    await eachBrokenFolder(`${PATCHIFY}?backend=wasm`, 'vae', PE, async (s, vae) => {
      const pos = await s.page.locator('[data-testid="pe-position"]').innerHTML();
      await s.page.locator('[data-testid="pe-channel-0"] > rect').nth(63).hover();
      assert.equal(await s.page.locator(PE).getAttribute('data-token'), '15');
      assert.notEqual(await s.page.locator('[data-testid="pe-position"]').innerHTML(), pos, 'the position map still follows the token');
      assert.ok((await s.page.locator('.katex').count()) > 10, 'the chapter maths rendered');
      await shot(s.page, PE, `patchify-error-${vae.split('/')[1]}`);
    });
  });
});

describe('attention maps (chapter 08)', () => {
  test('renders the 24 maps and the overlays; query, timestep and label change them; a burst of t changes settles on the last; tensors return to baseline', async () => {
    await withPage(openPage(), async (s) => {
      await s.goto(`${INSIDE}?backend=wasm`);
      await s.page.locator(AM).scrollIntoViewIfNeeded();
      await waitFor(s.page, AM, isReady);
      assert.equal(await s.page.locator(AM).getAttribute('data-backend'), 'wasm');
      assert.equal(await s.page.locator(`${AM} canvas[data-testid^="am-matrix-"]`).count(), 24);
      assert.equal(await s.page.locator(`${AM} canvas[data-testid^="am-overlay-"]`).count(), 30);
      const m = await canvasBytes(s.page, 'am-matrix-1-0');
      assert.ok(new Set(m.filter((_, i) => i % 4 === 0)).size > 5, 'block 2 head 1 is not a flat map');
      await shot(s.page, AM, 'attention-08-desktop');

      // Another query: the overlays change, the matrices do not.
      const ov = await canvasBytes(s.page, 'am-overlay-1-0');
      await s.page.locator('[data-testid="am-picker"] [data-token="10"] rect').click();
      assert.equal(await s.page.locator(AM).getAttribute('data-query'), '10');
      assert.notDeepEqual(await canvasBytes(s.page, 'am-overlay-1-0'), ov, 'the overlay follows the query');
      assert.deepEqual(await canvasBytes(s.page, 'am-matrix-1-0'), m, 'the matrix is the same forward pass');
      await s.page.locator('[data-testid="am-picker"]').focus();
      await s.page.keyboard.press('ArrowLeft');
      assert.equal(await s.page.locator(AM).getAttribute('data-query'), '9');

      // The null class: another forward pass.
      let r = Number(await s.page.locator(AM).getAttribute('data-request'));
      await s.page.locator('[data-testid="am-label"]').selectOption('null');
      await waitFor(s.page, AM, (el, r) => Number(el.dataset.request) > r && el.dataset.status === 'ready' && el.dataset.current === 'true', r);
      assert.equal(await s.page.locator(AM).getAttribute('data-label'), '10');
      await s.page.locator('[data-testid="am-label"]').selectOption('true');
      await waitFor(s.page, AM, (el) => el.dataset.label === '7' && el.dataset.status === 'ready' && el.dataset.current === 'true');

      const baseline = (await s.page.evaluate(() => window.__ditLabModel.stats())).numTensors;
      // 30 rapid t changes ending at 900: the maps shown are those of t = 900.
      r = Number(await s.page.locator(AM).getAttribute('data-request'));
      await burstRange(
        s.page,
        'am-t',
        Array.from({ length: 30 }, (_, k) => 30 * k + 30), // 30 ... 900
      );
      await waitFor(s.page, AM, (el, r) => Number(el.dataset.request) > r && el.dataset.status === 'ready' && el.dataset.current === 'true', r);
      assert.equal(await s.page.locator(AM).getAttribute('data-t'), '900');
      const afterBurst = await canvasBytes(s.page, 'am-matrix-1-0');
      assert.notDeepEqual(afterBurst, m, 'the maps at t = 900 differ from those at t = 50');
      assert.equal((await s.page.evaluate(() => window.__ditLabModel.stats())).numTensors, baseline, 'the worker holds as many tensors as before the burst');
      // t = 900 reached again directly gives the same maps (one deterministic forward pass).
      await setRange(s.page, 'am-t', 899);
      await waitFor(s.page, AM, (el) => el.dataset.t === '899' && el.dataset.current === 'true');
      await setRange(s.page, 'am-t', 900);
      await waitFor(s.page, AM, (el) => el.dataset.t === '900' && el.dataset.current === 'true');
      assert.deepEqual(await canvasBytes(s.page, 'am-matrix-1-0'), afterBurst, 'the picture after the burst is the picture of the last setting');
      await shot(s.page, AM, 'attention-08-desktop-t900');
    });
  });

  test('phone layout', async () => {
    await withPage(openPage({ viewport: PHONE }), async (s) => {
      await s.goto(`${INSIDE}?backend=wasm`);
      await s.page.locator(AM).scrollIntoViewIfNeeded();
      await waitFor(s.page, AM, isReady);
      await assertFitsPhone(s.page, AM);
      await shot(s.page, AM, 'attention-08-phone');
    });
  });

  test('missing or damaged DiT weights: a message inside the widget; the page works', async () => {
    await eachBrokenFolder(`${INSIDE}?backend=wasm`, 'model', AM, async (s, model) => {
      assert.ok((await s.page.locator('.katex').count()) > 10, 'the chapter maths rendered');
      await shot(s.page, AM, `attention-error-${model.split('/')[1]}`);
    });
  });
});
