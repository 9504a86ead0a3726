/**
 * Screenshots for people to look at (artifacts/screenshots/): home and chapter 02 on desktop
 * (1280x900) and phone (390x844), light and dark, plus each widget up close.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openPage, screenshot, VIEWPORTS, withPage } from './harness';

const CHAPTER = '/chapters/diffusion-step-by-step/';

describe('screenshots', () => {
  for (const [device, viewport] of VIEWPORTS) {
    for (const colorScheme of ['light', 'dark'] as const) {
      test(`home and chapter 02, ${device}, ${colorScheme}`, async () => {
        await withPage(openPage({ viewport, colorScheme }), async (s) => {
          await s.goto('/');
          const bg = await s.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          // The theme follows the system setting.
          assert.equal(bg, colorScheme === 'dark' ? 'rgb(18, 20, 23)' : 'rgb(255, 255, 255)');
          await screenshot(s.page, `home-${device}-${colorScheme}`, { fullPage: true });
          await s.goto(CHAPTER);
          await s.page.waitForSelector('[data-widget="forward-diffusion"][aria-busy="false"]');
          await screenshot(s.page, `chapter02-${device}-${colorScheme}-top`);
          await screenshot(s.page, `chapter02-${device}-${colorScheme}-full`, { fullPage: true });
          // The sticky header would cover the top of a close-up; pin it to the top of the page instead.
          await s.page.addStyleTag({ content: '.site-header { position: static !important; }' });
          for (const widget of ['noise-schedule-explorer', 'forward-diffusion']) {
            const el = s.page.locator(`[data-widget="${widget}"]`);
            await el.scrollIntoViewIfNeeded();
            await el.screenshot({ path: `artifacts/screenshots/widget-${widget}-${device}-${colorScheme}.png` });
          }
        });
      });
    }
  }
});
