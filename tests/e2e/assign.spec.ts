/**
 * Assignments end to end: a teacher composes one from three chapters on /teach; a student opens the
 * link on a clean profile, sets an id, answers in the chapter, and downloads a submission whose
 * content and checksum are checked here; hostile links and titles give text and messages, no script.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ARTIFACTS, openPage, PHONE, SCREENSHOTS, screenshot, withPage } from './harness';
import { canonicalJson } from '../../lib/assign/submission';

const XSS = '<img src=x onerror="alert(1)">';

describe('assignments', () => {
  test('compose on /teach, answer as a student, download a submission that checks out', async () => {
    let link = '';
    await withPage(openPage(), async (s) => {
      const { page } = s;
      page.on('dialog', (d) => {
        s.problems.push(`a dialog opened: ${d.message()}`);
        void d.dismiss();
      });
      await s.goto('/teach/');
      await page.waitForSelector('[data-testid="compose"]');
      assert.match(await page.locator('[data-testid="compose-missing"]').innerText(), /Pick at least one exercise/);
      await page.locator('[data-testid="compose-search"]').fill('posterior');
      await page.locator('[data-testid="pick-code-posterior-mean"]').check();
      await page.locator('[data-testid="compose-search"]').fill('');
      await page.locator('[data-testid="pick-why-shrink"]').check();
      await page.locator('[data-testid="pick-block-cost"]').check();
      await page.locator('[data-testid="compose-title"]').fill(`Week 3 ${XSS}`);
      await page.locator('[data-testid="compose-instructions"]').fill(`Line one.\n${XSS}`);
      await page.locator('[data-testid="compose-due"]').fill('2099-12-31');
      link = await page.locator('[data-testid="compose-link"]').inputValue();
      assert.match(link, /\/assignment\/#a=[A-Za-z0-9_-]+$/);
      assert.ok(link.length < 1000, `the link is short (${link.length})`);
      assert.equal(await page.locator('[data-testid="compose-order"] li').count(), 3);
      await screenshot(page, 'teach-desktop', { fullPage: true });
    });

    await withPage(openPage(), async (s) => {
      const { page } = s;
      page.on('dialog', (d) => {
        s.problems.push(`a dialog opened: ${d.message()}`);
        void d.dismiss();
      });
      await page.goto(link);
      await page.waitForSelector('[data-testid="assignment"]');
      assert.equal(await page.locator('[data-testid="assignment-title"]').innerText(), `Week 3 ${XSS}`, 'the title is text');
      assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element made from the title or instructions');
      assert.match(await page.locator('[data-testid="assignment-progress"]').innerText(), /0 of 3 solved/);
      assert.equal(await page.locator('[data-testid="assignment-download"]').isDisabled(), true, 'no download before an id');
      await page.locator('[data-testid="assignment-student"]').fill('ada');
      await page.locator('[data-testid="assignment-student-save"]').click();

      await page.goto(new URL('/chapters/diffusion-step-by-step/#exercise-why-shrink', link).href);
      const card = page.locator('[data-exercise="why-shrink"]');
      await card.scrollIntoViewIfNeeded();
      await page.waitForSelector('[data-exercise="why-shrink"][data-ready="true"]');
      await card.locator('[data-testid="exercise-option-1"]').check();
      await card.locator('[data-testid="exercise-check"]').click();
      await card.locator('[data-testid="exercise-option-0"]').check();
      await card.locator('[data-testid="exercise-check"]').click();
      assert.equal(await card.getAttribute('data-state'), 'solved');

      await page.goto(link);
      await page.waitForSelector('[data-testid="assignment"]');
      assert.match(await page.locator('[data-testid="assignment-progress"]').innerText(), /1 of 3 solved/);
      await screenshot(page, 'assignment-desktop', { fullPage: true });
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="assignment-download"]').click()]);
      const file = path.join(ARTIFACTS, 'submission.json');
      await download.saveAs(file);
      assert.equal(download.suggestedFilename(), 'dit-lab-Week-3-img-src-x-onerror-alert-1-ada.json');
      const sub = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(sub.format, 'dit-lab-submission');
      assert.equal(sub.student, 'ada');
      assert.deepEqual(sub.assignment.exercises, ['code-posterior-mean', 'why-shrink', 'block-cost']);
      assert.deepEqual(Object.keys(sub.entries), ['why-shrink']);
      assert.equal(sub.entries['why-shrink'].attempts.length, 2);
      assert.equal(sub.entries['why-shrink'].solved, true);
      const { checksum, ...body } = sub;
      assert.equal(createHash('sha256').update(canonicalJson(body)).digest('hex'), checksum, 'the checksum is SHA-256 of the canonical content');
      const shown = await page.locator('[data-testid="assignment-receipt"]').innerText();
      assert.ok(shown.includes(`${checksum.slice(0, 4)}-${checksum.slice(4, 8)}-${checksum.slice(8, 12)}`), shown);
    });
  });

  test('a damaged link gives a message; the pages fit a phone', async () => {
    await withPage(openPage({ viewport: PHONE }), async (s) => {
      const { page } = s;
      await s.goto('/assignment/#a=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
      assert.match(await page.locator('[data-testid="assignment-error"]').innerText(), /damaged/);
      await s.goto('/assignment/');
      assert.match(await page.locator('[data-testid="assignment-error"]').innerText(), /holds no assignment/);
      await s.goto('/teach/');
      await page.waitForSelector('[data-testid="compose"]');
      await page.locator('[data-testid="pick-why-shrink"]').check();
      await page.locator('[data-testid="compose-title"]').fill('Phone check');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scroll on /teach (${overflow} px)`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'teach-phone.png'), fullPage: true });
      await page.goto(await page.locator('[data-testid="compose-link"]').inputValue());
      await page.waitForSelector('[data-testid="assignment"]');
      const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow2 <= 0, `no horizontal scroll on the assignment (${overflow2} px)`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'assignment-phone.png'), fullPage: true });
    });
  });
});
