/**
 * Widget settings in the address: a linked setting opens as linked, "Link to this setting" writes
 * the current one, and a hostile or broken address gives a sentence inside the widget, the defaults,
 * and no script.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openPage, SCREENSHOTS, waitFor, withPage } from './harness';

const CH7 = '/chapters/guidance-and-sampling/';
const CH2 = '/chapters/diffusion-step-by-step/';
const RS = '[data-widget="reverse-sampler"]';
const isDone = (el: HTMLElement) => el.dataset.status === 'done';
const value = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"]`).inputValue();

describe('settings in the address', () => {
  test('a linked sampler setting opens as linked and samples; the link button writes the current setting', async () => {
    await withPage(openPage(), async (s) => {
      const { page } = s;
      await s.goto(`${CH7}?backend=wasm&rs.seed=5&rs.steps=20&rs.sampler=dpm%2B%2B2m&rs.guidance=2.5&rs.label=7#w-rs`);
      await waitFor(page, RS, isDone, undefined, 180_000);
      assert.equal(await value(page, 'rs-steps'), '20');
      assert.equal(await value(page, 'rs-sampler'), 'dpm++2m');
      assert.equal(await value(page, 'rs-guidance'), '2.5');
      assert.equal(await value(page, 'rs-class'), '7');
      assert.equal(await value(page, 'rs-seed-value'), '5');
      assert.equal(await page.locator('[data-testid="rs-link-problems"]').count(), 0);
      assert.ok(await page.locator('#w-rs').isVisible(), 'the anchor names the widget');

      await page.locator('[data-testid="rs-steps"]').focus();
      await page.keyboard.press('ArrowRight');
      await page.locator('[data-testid="rs-link"]').click();
      const link = await page.locator('[data-testid="rs-link-url"]').inputValue();
      const url = new URL(link);
      assert.equal(url.searchParams.get('rs.steps'), '21');
      assert.equal(url.searchParams.get('rs.seed'), '5');
      assert.equal(url.searchParams.get('backend'), 'wasm', 'other parameters are kept');
      assert.equal(url.hash, '#w-rs');
      assert.equal(page.url(), link, 'the address bar shows the link');
      await page.locator('#w-rs').screenshot({ path: path.join(SCREENSHOTS, 'link-sampler.png') });
    });
  });

  test('hostile and broken values: a sentence inside the widget, the defaults, no script', async () => {
    await withPage(openPage(), async (s) => {
      const { page } = s;
      page.on('dialog', (d) => {
        s.problems.push(`a dialog opened: ${d.message()}`);
        void d.dismiss();
      });
      await s.goto(`${CH2}?nse.t=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&nse.betaAxis=cubic&fd.t=5000&fd.schedule=cosine&fd.bogus=1`);
      await page.waitForSelector('[data-widget="noise-schedule-explorer"][data-ready="true"]');
      const nse = page.locator('[data-testid="nse-link-problems"]');
      await nse.waitFor();
      assert.match(await nse.innerText(), /timestep: the link's value is too long|timestep: “<img/);
      assert.match(await nse.innerText(), /β axis: “cubic” is not one of log, linear/);
      assert.equal(await value(page, 'nse-t'), '500', 'the default t stays');
      const fd = page.locator('[data-testid="fd-link-problems"]');
      await fd.waitFor();
      assert.match(await fd.innerText(), /timestep: “5000” is not a whole number from 1 to 1000/);
      assert.match(await fd.innerText(), /“bogus” is not a setting/);
      assert.equal(await value(page, 'fd-schedule'), 'cosine', 'the valid part of the link is used');
      assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element made from the address');
      await page.locator('#w-nse').screenshot({ path: path.join(SCREENSHOTS, 'link-refused.png') });
    });
  });

  test('the scaling chart and the trainer take their settings from the address too', async () => {
    await withPage(openPage(), async (s) => {
      const { page } = s;
      await s.goto('/chapters/scaling/?sc.connect=patch&sc.paper=B%2F4#w-sc');
      await page.waitForSelector('[data-widget="scaling-chart"][data-index="ready"]');
      assert.equal(await value(page, 'sc-connect'), 'patch');
      assert.match(await page.locator('[data-testid="sc-paper-readout"]').innerText(), /B\/4/);
      await s.goto('/chapters/train-your-own/?tib.preset=DiT-mini-S%2F4&tib.lr=0.002&tib.batchSize=32#w-tib');
      await page.locator('[data-testid="tib-preset"]').waitFor();
      await page.waitForFunction(() => (document.querySelector('[data-testid="tib-preset"]') as HTMLSelectElement | null)?.value === 'DiT-mini-S/4');
      assert.equal(await value(page, 'tib-batch'), '32');
      assert.match((await page.locator('[data-testid="tib-lr"]').getAttribute('aria-valuetext')) ?? '', /0\.002|2e-3|2 × 10/);
    });
  });
});
