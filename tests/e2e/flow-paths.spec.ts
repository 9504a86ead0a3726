/**
 * Chapter 10's plane of paths: what it draws follows the step count as the chapter says (at five
 * steps rectified flow lands most points and DDPM few; at fifty both nearly all), settings travel in
 * the address, a bad one gives a sentence, and moving the slider never blocks the main thread.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openPage, PHONE, setRange, shotElement, withPage } from './harness';

const CHAPTER = '/chapters/beyond-dit/';

const landed = async (page: Page) => ({
  ddim: Number(await page.locator('[data-testid="fp-ddim"]').getAttribute('data-landed')),
  flow: Number(await page.locator('[data-testid="fp-flow"]').getAttribute('data-landed')),
});

describe('flow paths (chapter 10)', () => {
  test('draws what the chapter says, from the address too, without long tasks', async () => {
    await withPage(openPage(), async (s) => {
      const { page } = s;
      await page.addInitScript(() => {
        (window as unknown as { __long: number[] }).__long = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) (window as unknown as { __long: number[] }).__long.push(e.duration);
        }).observe({ type: 'longtask', buffered: true });
      });
      await s.goto(CHAPTER);
      const w = page.locator('[data-widget="flow-paths"]');
      await w.scrollIntoViewIfNeeded();
      await page.waitForSelector('[data-widget="flow-paths"][data-ready="true"]');
      const five = await landed(page);
      assert.ok(five.flow > 24 && five.ddim < 12, `at 5 steps flow lands most, DDPM few: ${JSON.stringify(five)}`);
      assert.equal(await page.locator('[data-testid="fp-ddim"]').getAttribute('data-paths'), '48');
      await page.evaluate(() => ((window as unknown as { __long: number[] }).__long = []));
      for (let k = 1; k <= 50; k++) await setRange(page, 'fp-steps', k);
      const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
      assert.deepEqual(
        long.filter((d) => d > 50),
        [],
        'no main-thread task over 50 ms while the slider moves',
      );
      const fifty = await landed(page);
      assert.ok(fifty.flow > 44 && fifty.ddim > 44, `at 50 steps both land nearly all: ${JSON.stringify(fifty)}`);
      assert.equal(await page.locator('[data-testid="fp-flow"]').getAttribute('data-points'), '51', 'a path has one point a step');
      const d = (await page.locator('[data-testid="fp-flow"] path').first().getAttribute('d')) ?? '';
      assert.equal(d.split('M').length - 1, 48, 'one line a start point');
      assert.equal(d.split('L').length - 1, 48 * 50, 'fifty segments each');
      await setRange(page, 'fp-steps', 5);
      await shotElement(page, '[data-widget="flow-paths"]', 'widget-flow-paths-desktop');

      await s.goto(`${CHAPTER}?fp.steps=3&fp.data=two&fp.seed=7#w-fp`);
      await page.waitForSelector('[data-widget="flow-paths"][data-ready="true"]');
      await page.waitForFunction(() => (document.querySelector('[data-testid="fp-steps"]') as HTMLInputElement | null)?.value === '3');
      assert.equal(await page.locator('[data-testid="fp-data"]').inputValue(), 'two');
      assert.match(await page.locator('[data-testid="fp-reroll"]').innerText(), /seed 7/);

      await s.goto(`${CHAPTER}?fp.steps=500#w-fp`);
      await page.waitForSelector('[data-widget="flow-paths"][data-ready="true"]');
      assert.match(await page.locator('[data-testid="fp-link-box"]').innerText(), /steps: “500” is not a whole number from 1 to 50/);
      assert.equal(await page.locator('[data-testid="fp-steps"]').inputValue(), '5', 'the default stays');
    });
    await withPage(openPage({ viewport: PHONE }), async (s) => {
      await s.goto(CHAPTER);
      await s.page.locator('[data-widget="flow-paths"]').scrollIntoViewIfNeeded();
      await s.page.waitForSelector('[data-widget="flow-paths"][data-ready="true"]');
      await shotElement(s.page, '[data-widget="flow-paths"]', 'widget-flow-paths-phone');
    });
  });
});

describe('spacetime patches (chapter 10)', () => {
  test('counts tokens as the chapter’s formula, lights one token, and reads its settings from the address', async () => {
    await withPage(openPage(), async (s) => {
      const { page } = s;
      await s.goto(`${CHAPTER}?st.frames=16&st.pt=2&st.p=2#w-st`);
      const w = page.locator('[data-widget="spacetime-patches"]');
      await w.scrollIntoViewIfNeeded();
      await page.waitForSelector('[data-widget="spacetime-patches"][data-ready="true"]');
      // The chapter's example: 16 frames of 32x32 with pt = 2, p = 2 gives 2048; ours is 16x16: 8 * 64 = 512.
      await page.waitForFunction(() => document.querySelector('[data-widget="spacetime-patches"]')?.getAttribute('data-tokens') === '512');
      assert.match(
        await page.locator('[data-testid="st-readout"]').innerText(),
        /T = 512 tokens = 8 blocks of 2 frames × \(16\/2\)² = 64 patches each; a token holds 2×2×2×4 = 32 numbers/,
      );
      assert.equal(await w.locator('[data-frame]').count(), 16);
      await shotElement(page, '[data-widget="spacetime-patches"]', 'widget-spacetime-patches-16-frames');
      await page.locator('[data-testid="st-frames"]').selectOption('1');
      await page.locator('[data-testid="st-p"]').selectOption('4');
      assert.match(await page.locator('[data-testid="st-readout"]').innerText(), /T = 16 tokens.*One frame: an image, as in DiT\./);
      const before = await page.locator('[data-widget="spacetime-patches"] p').nth(1).innerText();
      await page.locator('[data-testid="st-play"]').click();
      await page.waitForFunction((b) => document.querySelectorAll('[data-widget="spacetime-patches"] p')[1]?.textContent !== b, before);
      await page.locator('[data-testid="st-play"]').click();
      await shotElement(page, '[data-widget="spacetime-patches"]', 'widget-spacetime-patches-desktop');
      await s.goto(`${CHAPTER}?st.p=3#w-st`);
      await page.waitForSelector('[data-widget="spacetime-patches"][data-ready="true"]');
      assert.match(await page.locator('[data-testid="st-link-box"]').innerText(), /patch size: 3 is not one of 1, 2, 4, 8/);
    });
  });
});
