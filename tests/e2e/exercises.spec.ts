/**
 * Exercises end to end: a numeric, a multiple-choice, a formula and a widget exercise answered
 * wrongly then rightly; progress kept over a reload; exported and imported on a clean profile; the
 * student's id changing the numbers; hostile files and ids refused or shown as text. The expected
 * answers are computed here from the definitions, independently of lib/.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS, type OpenPage, openPage, PHONE, SCREENSHOTS, screenshot, setRange, waitHydrated, withPage, withPageAt } from './harness';

const shotPath = (name: string) => path.join(SCREENSHOTS, `${name}.png`);

const CH2 = '/chapters/diffusion-step-by-step/';
const card = (page: Page, id: string) => page.locator(`[data-exercise="${id}"]`);

function linearAlphaBar(t: number): number {
  let a = 1;
  for (let s = 1; s <= t; s++) a *= 1 - (1e-4 + ((0.02 - 1e-4) * (s - 1)) / 999);
  return a;
}
function cosineAlphaBar(t: number): number {
  const f = (u: number) => Math.cos(((u / 1000 + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  let a = 1;
  for (let s = 1; s <= t; s++) a *= 1 - Math.min(1 - f(s) / f(s - 1), 0.999);
  return a;
}
function scaledLinearAlphaBar(t: number): number {
  const lo = Math.sqrt(0.00085);
  const hi = Math.sqrt(0.012);
  let a = 1;
  for (let s = 1; s <= t; s++) a *= 1 - (lo + ((hi - lo) * (s - 1)) / 999) ** 2;
  return a;
}
const ALPHA_BAR: Record<string, (t: number) => number> = { linear: linearAlphaBar, cosine: cosineAlphaBar, 'scaled-linear': scaledLinearAlphaBar };

/** Waits until the card has read the stored progress (it takes answers from then on). */
async function ready(c: Locator) {
  await c.scrollIntoViewIfNeeded();
  const id = await c.getAttribute('data-exercise');
  await c.page().waitForSelector(`[data-exercise="${id}"][data-ready="true"]`);
}

/** The card with this exercise id, once it has read the stored progress. */
async function readyCard(page: Page, id: string): Promise<Locator> {
  const c = card(page, id);
  await ready(c);
  return c;
}

async function answerNumeric(c: Locator, value: string) {
  await c.locator('[data-testid="exercise-input"]').fill(value);
  await c.locator('[data-testid="exercise-check"]').click();
  return c.locator('[data-testid="exercise-feedback"]');
}

/** Fails the test on any alert, confirm or prompt: injected script must never run. */
function noDialogs(page: Page, problems: string[]) {
  page.on('dialog', (d) => {
    problems.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
}

/** withPageAt on chapter 02, where any dialog fails the test. */
async function onChapter2(body: (page: Page, s: OpenPage) => Promise<void>) {
  await withPage(openPage(), async (s) => {
    noDialogs(s.page, s.problems);
    await s.goto(CH2);
    await body(s.page, s);
  });
}

/** Opens the progress page and waits until the board has read the stored progress. */
async function openProgress(s: OpenPage) {
  await s.goto('/progress/');
  await s.page.waitForSelector('[data-testid="progress-board"][data-ready="true"]');
}

describe('exercises (chapter 02)', () => {
  test('numeric, formula, choice and widget exercises: wrong then right, kept over a reload', async () => {
    await onChapter2(async (page, s) => {
      // Numeric: the image weight at the step in the prompt.
      const num = await readyCard(page, 'image-weight-linear');
      const t = Number(/at step (\d+)/.exec(await num.innerText())?.[1]);
      assert.ok(t >= 50 && t <= 950, `a step in the prompt (${t})`);
      const weight = Math.sqrt(linearAlphaBar(t));
      let fb = await answerNumeric(num, String((weight + 0.05).toFixed(3)));
      assert.equal(await fb.getAttribute('data-correct'), 'false');
      assert.match(await fb.innerText(), /too large/);
      fb = await answerNumeric(num, 'abc');
      assert.match(await fb.innerText(), /not a number this page can read/);
      await num.screenshot({ path: shotPath('exercise-numeric-wrong') });
      fb = await answerNumeric(num, weight.toFixed(3));
      assert.equal(await fb.getAttribute('data-correct'), 'true');
      assert.equal(await num.getAttribute('data-state'), 'solved');
      assert.match(await num.locator('[data-testid="exercise-attempts"]').innerText(), /^2 attempts$/, 'an unreadable answer is not an attempt');
      await num.locator('[data-testid="exercise-hint-button"]').click();
      assert.equal(await num.locator('[data-testid="exercise-hint"]').count(), 1);
      await num.locator('[data-testid="exercise-solution-button"]').click();
      assert.match(await num.locator('[data-testid="exercise-solution"]').innerText(), new RegExp(`step ${t}`));
      await num.screenshot({ path: shotPath('exercise-numeric-solved') });

      // Formula: the closed form.
      const formula = await readyCard(page, 'closed-form-pick');
      await formula.locator('[data-testid="exercise-option-2"]').check();
      await formula.locator('[data-testid="exercise-check"]').click();
      fb = formula.locator('[data-testid="exercise-feedback"]');
      assert.equal(await fb.getAttribute('data-correct'), 'false');
      assert.match(await fb.innerText(), /one step/);
      await formula.screenshot({ path: shotPath('exercise-formula-wrong') });
      await formula.locator('[data-testid="exercise-option-0"]').check();
      await formula.locator('[data-testid="exercise-check"]').click();
      assert.equal(await fb.getAttribute('data-correct'), 'true');

      // Choice.
      const choice = await readyCard(page, 'why-shrink');
      await choice.locator('[data-testid="exercise-check"]').click();
      assert.match(await choice.locator('[data-testid="exercise-feedback"]').innerText(), /Pick one/);
      await choice.locator('[data-testid="exercise-option-2"]').check();
      await choice.locator('[data-testid="exercise-check"]').click();
      assert.equal(await choice.locator('[data-testid="exercise-feedback"]').getAttribute('data-correct'), 'false');
      await choice.screenshot({ path: shotPath('exercise-choice-wrong') });
      await choice.locator('[data-testid="exercise-option-0"]').check();
      await choice.locator('[data-testid="exercise-check"]').click();
      assert.equal(await choice.locator('[data-testid="exercise-feedback"]').getAttribute('data-correct'), 'true');

      // Widget: move t in the schedule explorer to where the asked schedule's log-SNR first falls below the level.
      const widget = await readyCard(page, 'log-snr-crossing-widget');
      const prompt = await widget.innerText();
      const m = /the (linear|cosine|scaled-linear) schedule.s log-SNR[\s\S]*?is below −(\d)/.exec(prompt);
      assert.ok(m, `schedule and level in the prompt: ${prompt.slice(0, 200)}`);
      const abar = ALPHA_BAR[m[1]];
      const level = -Number(m[2]);
      let want = 1;
      while (Math.log(abar(want) / (1 - abar(want))) >= level) want++;
      await page.waitForSelector('[data-widget="noise-schedule-explorer"][data-ready="true"]');
      await setRange(page, 'nse-t', want - 3);
      await widget.locator('[data-testid="exercise-check"]').click();
      fb = widget.locator('[data-testid="exercise-feedback"]');
      assert.equal(await fb.getAttribute('data-correct'), 'false');
      assert.match(await fb.innerText(), /move right/);
      await setRange(page, 'nse-t', want);
      await widget.locator('[data-testid="exercise-check"]').click();
      assert.equal(await fb.getAttribute('data-correct'), 'true', `t = ${want} for ${m[1]} below ${level}`);
      await widget.screenshot({ path: shotPath('exercise-widget-right') });

      // Reload: all four stay solved.
      await page.reload();
      for (const id of ['image-weight-linear', 'closed-form-pick', 'why-shrink', 'log-snr-crossing-widget']) {
        await ready(card(page, id));
        assert.equal(await card(page, id).getAttribute('data-state'), 'solved', `${id} after a reload`);
      }
      assert.equal(await card(page, 'image-weight-linear').locator('[data-testid="exercise-solution"]').count(), 1, 'the revealed solution stays revealed');

      // The progress page counts them; export, then import on a clean profile.
      await openProgress(s);
      assert.match(await page.locator('[data-testid="progress-total"]').innerText(), /^4 of \d+ solved$/);
      await screenshot(page, 'progress-desktop', { fullPage: true });
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="progress-export"]').click()]);
      const file = path.join(ARTIFACTS, 'progress-export.json');
      await download.saveAs(file);
      const exported = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(exported.format, 'dit-lab-progress');
      assert.equal(Object.values(exported.exercises as Record<string, { solved: boolean }>).filter((e) => e.solved).length, 4);

      await withPage(openPage(), async (fresh) => {
        await openProgress(fresh);
        assert.match(await fresh.page.locator('[data-testid="progress-total"]').innerText(), /^0 of/);
        await fresh.page.locator('[data-testid="progress-import"]').setInputFiles(file);
        assert.match(await fresh.page.locator('[data-testid="progress-message"]').innerText(), /Imported 4 exercises/);
        assert.match(await fresh.page.locator('[data-testid="progress-total"]').innerText(), /^4 of/);
      });
    });
  });

  test('hostile files and ids: refused or shown as text, nothing stored is lost, no script runs', async () => {
    await onChapter2(async (page, s) => {
      const c = await readyCard(page, 'why-shrink');
      await c.locator('[data-testid="exercise-option-0"]').check();
      await c.locator('[data-testid="exercise-check"]').click();
      await openProgress(s);
      const total = async () => page.locator('[data-testid="progress-total"]').innerText();
      assert.match(await total(), /^1 of/);

      const xss = '<img src=x onerror="alert(1)">';
      const files: [string, string | Buffer, RegExp][] = [
        ['truncated.json', '{"format":"dit-lab-progress","version":1,"exercises":{"why-shrink":{"attempts":[', /not valid JSON/],
        ['other.json', '{"hello":"world"}', /not a valid DiT Lab progress file/],
        [
          'inject.json',
          JSON.stringify({
            format: 'dit-lab-progress',
            version: 1,
            exportedAt: xss,
            student: xss,
            exercises: { [xss]: { attempts: [], solved: true, hintsShown: 0, solutionShown: false, firstAt: 0 } },
          }),
          /not a valid DiT Lab progress file/,
        ],
        ['huge.json', Buffer.alloc(50 * 1024 * 1024, 32), /52\.\d MB/],
      ];
      for (const [name, body, why] of files) {
        const file = path.join(ARTIFACTS, name);
        writeFileSync(file, body);
        await page.locator('[data-testid="progress-import"]').setInputFiles(file);
        const msg = page.locator('[data-testid="progress-message"]');
        await msg.waitFor();
        assert.match(await msg.innerText(), why, name);
        assert.match(await total(), /^1 of/, `${name}: what was stored is still there`);
      }
      await page.locator('[data-testid="progress-message"]').screenshot({ path: shotPath('progress-import-refused') });

      // A corrupt stored entry loses only itself.
      await page.evaluate(() => localStorage.setItem('dit-lab/progress/v1/closed-form-pick', '{"attempts":'));
      await page.reload();
      await page.waitForSelector('[data-testid="progress-board"][data-ready="true"]');
      assert.match(await page.locator('[data-testid="progress-invalid"]').innerText(), /1 stored entry was damaged/);
      assert.match(await total(), /^1 of/);

      // An id with markup is text, and it changes the numbers.
      await s.goto(CH2);
      const num = await readyCard(page, 'image-weight-linear');
      const before = await num.innerText();
      await openProgress(s);
      await page.locator('[data-testid="student-id"]').fill(xss);
      await page.locator('[data-testid="student-save"]').click();
      await s.goto(CH2);
      await ready(num);
      assert.ok((await num.innerText()).includes(`Numbers drawn for “${xss}”`) || (await num.innerText()).includes(xss), 'the id is shown as text');
      assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element made from the id');
      assert.notEqual(await num.innerText(), before, 'another id, other numbers (or at least another footer)');
    });
  });

  test('a widget exercise on the patchify explorer (chapter 05): the token for a position', async () => {
    await withPageAt(openPage(), '/chapters/patchify/?backend=wasm', async (page) => {
      const c = await readyCard(page, 'find-token-widget');
      const m = /p = (\d) and select the token whose patch holds latent row (\d), column (\d)/.exec((await c.innerText()).replace(/\s+/g, ' '));
      assert.ok(m, 'p, row and column in the prompt');
      const [p, r, col] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const want = Math.floor(r / p) * (8 / p) + Math.floor(col / p);
      await waitHydrated(page, '[data-widget="patchify-explorer"]');
      await page.locator(`[data-testid="pe-p-${p}"]`).check({ force: true });
      await setRange(page, 'pe-token', (want + 1) % (8 / p) ** 2);
      await c.locator('[data-testid="exercise-check"]').click();
      const fb = c.locator('[data-testid="exercise-feedback"]');
      assert.equal(await fb.getAttribute('data-correct'), 'false');
      await setRange(page, 'pe-token', want);
      await c.locator('[data-testid="exercise-check"]').click();
      assert.equal(await fb.getAttribute('data-correct'), 'true', `token ${want} for p = ${p}, row ${r}, column ${col}`);
      await c.screenshot({ path: shotPath('exercise-widget-patchify') });
    });
  });

  test('phone: the cards fit the width', async () => {
    await withPageAt(openPage({ viewport: PHONE }), CH2, async (page, s) => {
      for (const id of ['closed-form-pick', 'image-weight-linear']) {
        const c = await readyCard(page, id);
        const box = (await c.boundingBox())!;
        assert.ok(box.width <= PHONE.width, `${id} fits (${box.width})`);
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scroll (${overflow} px)`);
      await card(page, 'closed-form-pick').screenshot({ path: shotPath('exercise-formula-phone') });
      await card(page, 'image-weight-linear').screenshot({ path: shotPath('exercise-numeric-phone') });
      await ready(card(page, 'why-shrink'));
      await card(page, 'why-shrink').screenshot({ path: shotPath('exercise-choice-phone') });
      await ready(card(page, 'code-q-sample'));
      await card(page, 'code-q-sample').screenshot({ path: shotPath('exercise-code-phone') });
      const widgetCard = await readyCard(page, 'log-snr-crossing-widget');
      await widgetCard.screenshot({ path: shotPath('exercise-widget-phone') });
      await openProgress(s);
      await screenshot(page, 'progress-phone', { fullPage: true });
    });
  });
});
