/**
 * Runnable cells and code exercises end to end: edit and run a cell, reset it; an infinite loop is
 * stopped at the time limit and the next run works; the sandbox has no network, storage, DOM or
 * postMessage; a code exercise answered wrongly, then rightly, kept over a reload. The time from
 * "Run the tests" to the verdict is written to artifacts/code-run-times.json (not asserted).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openPage, PHONE, SCREENSHOTS, setCode, withPageAt, writeArtifact } from './harness';

const CH2 = '/chapters/diffusion-step-by-step/';
const shot = (name: string) => ({ path: path.join(SCREENSHOTS, `${name}.png`) });

async function runCell(page: Page, id: string) {
  const before = Number((await page.locator(`[data-cell="${id}"]`).getAttribute('data-runs')) ?? 0);
  await page.locator(`[data-testid="${id}-run"]`).click();
  await page.waitForFunction(
    ([cell, n]) => {
      const el = document.querySelector(`[data-cell="${cell}"]`);
      return el?.getAttribute('data-running') === 'false' && Number(el.getAttribute('data-runs')) > (n as number);
    },
    [id, before] as const,
    { timeout: 60_000 },
  );
  return page.locator(`[data-testid="${id}-status"]`);
}

describe('code cells (chapter 02)', () => {
  test('run, edit, reset; an infinite loop is stopped; the sandbox is closed', async () => {
    await withPageAt(openPage(), CH2, async (page) => {
      const cell = page.locator('[data-cell="cell-q-sample"]');
      const editor = page.locator('[data-testid="cell-q-sample-editor"]');
      await editor.scrollIntoViewIfNeeded();
      let status = await runCell(page, 'cell-q-sample');
      assert.equal(await status.getAttribute('data-state'), 'done', await status.innerText());
      const outputs = page.locator('[data-testid="cell-q-sample-outputs"]');
      assert.equal(await outputs.locator('canvas').count(), 5, 'five noised digits');
      assert.equal(await outputs.locator('svg').count(), 1, 'one chart');
      await cell.screenshot(shot('cell-q-sample'));

      await setCode(page, editor, 'const y = qSample([1, -1], 1000, [0, 0]);\nprint(y.map((v) => v.toFixed(4)));');
      await page.keyboard.press('Shift+Enter');
      await page.waitForFunction(() => document.querySelector('[data-testid="cell-q-sample-status"]')?.getAttribute('data-state') === 'done');
      assert.match(await outputs.innerText(), /\["0\.0064", "-0\.0064"\]|0\.0064/);

      await setCode(page, editor, 'let i = 0;\nwhile (true) { i++; }');
      status = await runCell(page, 'cell-q-sample');
      assert.equal(await status.getAttribute('data-state'), 'timeout');
      assert.match(await status.innerText(), /Stopped after 5 s/);
      assert.equal(await page.evaluate(() => 1 + 1), 2, 'the page still answers');

      await setCode(
        page,
        editor,
        'print(typeof fetch, typeof XMLHttpRequest, typeof postMessage, typeof importScripts, typeof indexedDB, typeof caches, typeof document, typeof localStorage, typeof WebSocket);\nprint(self.constructor.name);',
      );
      status = await runCell(page, 'cell-q-sample');
      assert.equal(await status.getAttribute('data-state'), 'done', 'a fresh worker after the one that was stopped');
      assert.match(await outputs.innerText(), /^undefined undefined undefined undefined undefined undefined undefined undefined undefined/);

      await setCode(page, editor, 'print(1);\nthrow new Error("on purpose");');
      status = await runCell(page, 'cell-q-sample');
      assert.equal(await status.getAttribute('data-state'), 'error');
      assert.match(await status.innerText(), /Error: on purpose \(line 2\)/);

      await page.locator('[data-testid="cell-q-sample-reset"]').click();
      assert.match(await editor.innerText(), /Eq\. q-sample/);
      status = await runCell(page, 'cell-q-sample');
      assert.equal(await status.getAttribute('data-state'), 'done');
    });
  });
});

describe('a cell with the shipped models (chapter 07)', () => {
  test('samples the shipped DiT at two guidance scales; the models load before the lock-down', async () => {
    await withPageAt(openPage(), '/chapters/guidance-and-sampling/', async (page) => {
      const id = 'cell-sample-guidance';
      await page.locator(`[data-testid="${id}-editor"]`).scrollIntoViewIfNeeded();
      const t0 = Date.now();
      let status = await runCell(page, id);
      const ms = Date.now() - t0;
      assert.equal(await status.getAttribute('data-state'), 'done', await status.innerText());
      assert.equal(await page.locator(`[data-testid="${id}-outputs"] canvas`).count(), 12, 'six digits at each of two scales');
      await page.locator(`[data-cell="${id}"]`).screenshot(shot('cell-sample-guidance'));
      writeArtifact('cell-model-run.json', {
        note: 'ms from Run to done for chapter 7 cell-sample-guidance (loads the DiT and VAE, then 2 x 6 digits x 20 DDIM steps), wasm',
        ms,
      });

      await setCode(
        page,
        page.locator(`[data-testid="${id}-editor"]`),
        'const { images } = await sample({ n: 1, steps: 2 });\nprint(images[0].length, typeof fetch, typeof caches, typeof postMessage);',
      );
      status = await runCell(page, id);
      assert.equal(await status.getAttribute('data-state'), 'done', await status.innerText());
      assert.match(await page.locator(`[data-testid="${id}-outputs"]`).innerText(), /^1024 undefined undefined undefined/);
    });
  });
});

describe('code exercises (chapter 02)', () => {
  test('wrong, then right; an infinite loop is stopped; kept over a reload', async () => {
    await withPageAt(openPage(), CH2, async (page) => {
      const card = page.locator('[data-exercise="code-q-sample"]');
      await card.scrollIntoViewIfNeeded();
      await page.waitForSelector('[data-exercise="code-q-sample"][data-ready="true"]');
      const editor = page.locator('[data-testid="code-q-sample-editor"]');
      const times: number[] = [];
      const runTests = async () => {
        const t0 = Date.now();
        await card.locator('[data-testid="exercise-run-tests"]').click();
        await page.waitForFunction(() => {
          const st = document.querySelector('[data-testid="code-q-sample-status"]');
          return st && st.getAttribute('data-state') !== 'running';
        });
        times.push(Date.now() - t0);
      };

      await setCode(
        page,
        editor,
        'function qSample(x0, t, eps) {\n  const a = schedule().alphaBar[t - 1];\n  return x0.map((x, i) => a * x + (1 - a) * eps[i]);\n}',
      );
      await runTests();
      const fb = card.locator('[data-testid="exercise-feedback"]');
      assert.equal(await fb.getAttribute('data-correct'), 'false');
      assert.match(await fb.innerText(), /expected .*, got/);
      await card.screenshot(shot('exercise-code-wrong'));

      await setCode(page, editor, 'function qSample(x0, t, eps) {\n  while (true) {}\n}');
      await runTests();
      assert.match(await card.locator('[data-testid="code-q-sample-status"]').innerText(), /Stopped after 3 s/);

      const right =
        'function qSample(x0, t, eps) {\n  const a = schedule().alphaBar[t - 1];\n  return x0.map((x, i) => Math.sqrt(a) * x + Math.sqrt(1 - a) * eps[i]);\n}';
      await setCode(page, editor, right);
      await runTests();
      await runTests();
      assert.equal(await fb.getAttribute('data-correct'), 'true', await fb.innerText());
      assert.equal(await card.getAttribute('data-state'), 'solved');
      await card.screenshot(shot('exercise-code-right'));
      writeArtifact('code-run-times.json', {
        note: 'ms from clicking Run the tests to the verdict, chapter 2 code-q-sample; the first run of a page includes starting its sandbox worker',
        runs: times,
      });

      await page.reload();
      await page.waitForSelector('[data-exercise="code-q-sample"][data-ready="true"]');
      assert.equal(await card.getAttribute('data-state'), 'solved');
      await editor.scrollIntoViewIfNeeded();
      assert.match(await editor.locator('textarea').inputValue(), /Math\.sqrt\(1 - a\)/, 'the last code tried is back in the editor');
    });
  });

  test('phone: a cell and a code exercise fit the width', async () => {
    await withPageAt(openPage({ viewport: PHONE }), CH2, async (page) => {
      for (const sel of ['[data-cell="cell-q-sample"]', '[data-exercise="code-q-sample"]']) {
        const el = page.locator(sel);
        await el.scrollIntoViewIfNeeded();
        const box = (await el.boundingBox())!;
        assert.ok(box.width <= PHONE.width, `${sel} fits (${box.width})`);
      }
      await runCell(page, 'cell-q-sample');
      await page.locator('[data-cell="cell-q-sample"]').screenshot(shot('cell-q-sample-phone'));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scroll (${overflow} px)`);
    });
  });
});
