/**
 * The chapter-02 widgets respond to every control: assertions on the values and pixels they draw,
 * not only on their presence. Also: a slider move repaints within one animation frame, and a missing
 * or corrupt digit file gives a clear message inside the widget while the page keeps working.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { boxOf, canvasGrey, changedPixels, elementPixels, openPage, setRangeAndReadNextFrame, type OpenPage, type PageOptions, withPage } from './harness';

const CHAPTER = '/chapters/diffusion-step-by-step/';
const DIGITS = /\/data\/mnist-test-sample\.bin$/;

// Reference values straight from the definitions (dit-facts.md), independent of lib/.
function linearSchedule(T = 1000) {
  const betas = Array.from({ length: T }, (_, i) => 1e-4 + ((0.02 - 1e-4) * i) / (T - 1));
  const alphaBar = [];
  let p = 1;
  for (const b of betas) alphaBar.push((p *= 1 - b));
  return { betas, alphaBar };
}
const LINEAR = linearSchedule();

const closeTo = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} is not within ${rel * 100}% of ${expected}`);

async function readout(page: Page) {
  return page.evaluate(() => {
    const v = (id: string) => Number(document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!.dataset.value);
    const out: Record<string, { beta: number; alphaBar: number; logSnr: number }> = {};
    for (const s of ['linear', 'scaled-linear', 'cosine'])
      out[s] = { beta: v(`nse-${s}-beta`), alphaBar: v(`nse-${s}-alpha-bar`), logSnr: v(`nse-${s}-log-snr`) };
    return out;
  });
}

const differing = (a: number[], b: number[], tol = 0) => a.reduce((n, v, i) => n + (Math.abs(v - b[i]) > tol ? 1 : 0), 0);

async function chapterPage(options: PageOptions = {}) {
  const s = await openPage(options);
  await s.goto(CHAPTER);
  // Controls respond once React has hydrated the widget.
  await s.page.waitForSelector('[data-widget="noise-schedule-explorer"][data-ready="true"]');
  return s;
}

describe('noise-schedule explorer', () => {
  test('linear-schedule: the t slider reads out every curve at t and repaints all three charts', async () => {
    await withPage(chapterPage(), async (s) => {
      const { page } = s;
      const charts = ['nse-beta', 'nse-alpha-bar', 'nse-log-snr'].map((id) => page.locator(`[data-testid="${id}"]`));
      await charts[0].scrollIntoViewIfNeeded();
      const before = await Promise.all(charts.map(elementPixels));
      const r500 = await readout(page);
      closeTo(r500.linear.beta, LINEAR.betas[499], 1e-9, 'linear beta_500');
      closeTo(r500.linear.alphaBar, LINEAR.alphaBar[499], 1e-9, 'linear alpha_bar_500');

      const slider = page.locator('[data-testid="nse-t"]');
      await slider.focus();
      await page.keyboard.press('End');
      assert.equal(await slider.getAttribute('aria-valuetext'), 't = 1000 of 1000');
      const r1000 = await readout(page);
      closeTo(r1000.linear.beta, 0.02, 1e-9, 'linear beta_1000');
      closeTo(r1000.linear.alphaBar, LINEAR.alphaBar[999], 1e-9, 'linear alpha_bar_1000');
      closeTo(r1000.linear.logSnr, Math.log(LINEAR.alphaBar[999] / (1 - LINEAR.alphaBar[999])), 1e-6, 'linear log-SNR_1000');
      closeTo(r1000['scaled-linear'].beta, 0.012, 1e-9, 'scaled-linear beta_1000');
      closeTo(r1000.cosine.beta, 0.999, 1e-9, 'cosine beta_1000 (clipped)');
      assert.ok(
        r1000.cosine.alphaBar < r1000.linear.alphaBar && r1000.linear.alphaBar < r1000['scaled-linear'].alphaBar,
        'at t = T: cosine < linear < scaled-linear',
      );

      await page.keyboard.press('Home');
      const r1 = await readout(page);
      closeTo(r1.linear.beta, 1e-4, 1e-9, 'linear beta_1');
      await page.keyboard.press('PageUp');
      assert.notEqual(await slider.inputValue(), '1', 'PageUp moves t');

      const after = await Promise.all(charts.map(elementPixels));
      for (let i = 0; i < 3; i++) assert.ok(changedPixels(before[i], after[i]) > 30, `chart ${i} repainted when t moved`);
    });
  });

  test('a t change is on screen in the next animation frame', async () => {
    await withPage(chapterPage(), async (s) => {
      const next = await setRangeAndReadNextFrame(s.page, '[data-testid="nse-t"]', 777, () => ({
        beta: Number(document.querySelector<HTMLElement>('[data-testid="nse-linear-beta"]')!.dataset.value),
        rule: document.querySelector('[data-testid="nse-beta"] line[class]')?.getAttribute('x1'),
      }));
      closeTo(next.beta, LINEAR.betas[776], 1e-9, 'beta_777 one frame later');
    });
  });

  test('the beta axis switch and the schedule check boxes change the drawing', async () => {
    await withPage(chapterPage(), async (s) => {
      const { page } = s;
      const beta = page.locator('[data-testid="nse-beta"]');
      const alphaBar = page.locator('[data-testid="nse-alpha-bar"]');
      await beta.scrollIntoViewIfNeeded();
      const b0 = await elementPixels(beta);
      await page.locator('[data-testid="nse-beta-axis"]').selectOption('linear');
      const b1 = await elementPixels(beta);
      assert.ok(changedPixels(b0, b1) > 100, 'linear beta axis redraws the beta chart');

      const a0 = await elementPixels(alphaBar);
      const cosine = page.locator('tr[data-schedule="cosine"] input[type="checkbox"]');
      await cosine.focus();
      await page.keyboard.press('Space'); // keyboard-operable
      assert.equal(await cosine.isChecked(), false);
      const a1 = await elementPixels(alphaBar);
      assert.ok(changedPixels(a0, a1) > 100, 'hiding the cosine schedule removes its curve');
      const paths = await alphaBar.locator('g[clip-path] path').count();
      assert.equal(paths, 2, 'two curves left');
    });
  });

  test('dragging on a chart picks t', async () => {
    await withPage(chapterPage(), async (s) => {
      const { page } = s;
      const chart = page.locator('[data-testid="nse-alpha-bar"]');
      await chart.scrollIntoViewIfNeeded();
      const box = await boxOf(chart);
      // Plot area: x from 44 to 228 of the 240-unit viewBox; aim at t ~ 250.
      const xAt = (t: number) => box.x + ((44 + ((t - 1) / 999) * (240 - 44 - 12)) / 240) * box.width;
      await page.mouse.move(xAt(250), box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(xAt(800), box.y + box.height / 2, { steps: 4 });
      await page.mouse.up();
      const t = Number(await page.locator('[data-testid="nse-t"]').inputValue());
      assert.ok(Math.abs(t - 800) <= 8, `t = ${t} after dragging to 800`);
    });
  });
});

describe('forward-diffusion widget', () => {
  async function ready(s: OpenPage) {
    await s.page.waitForSelector('[data-widget="forward-diffusion"][aria-busy="false"]');
    await s.page.locator('[data-widget="forward-diffusion"]').scrollIntoViewIfNeeded();
  }
  const coef = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).getAttribute('data-value').then(Number);

  test('q-sample: every x_t pixel equals sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, from t = 1 to t = 1000', async () => {
    await withPage(chapterPage(), async (s) => {
      const { page } = s;
      await ready(s);
      const x0 = await canvasGrey(page, 'fd-x0');
      const eps = await canvasGrey(page, 'fd-eps');
      const toValue = (g: number) => (g / 255) * 2 - 1;
      for (const t of [1, 200, 500, 1000]) {
        await setRangeAndReadNextFrame(page, '[data-testid="fd-t"]', t, () => 0);
        const sa = await coef(page, 'fd-sqrt-abar');
        const s1a = await coef(page, 'fd-sqrt-1-abar');
        closeTo(sa, Math.sqrt(LINEAR.alphaBar[t - 1]), 1e-9, `sqrt(abar_${t})`);
        closeTo(s1a, Math.sqrt(1 - LINEAR.alphaBar[t - 1]), 1e-9, `sqrt(1 - abar_${t})`);
        const xt = await canvasGrey(page, 'fd-xt');
        let checked = 0;
        let worst = 0;
        for (let i = 0; i < xt.length; i++) {
          // eps is recoverable only where its picture is not clipped; x_0 is exact (8-bit digits).
          if (eps[i] === 0 || eps[i] === 255 || xt[i] === 0 || xt[i] === 255) continue;
          const predicted = ((sa * toValue(x0[i]) + s1a * toValue(eps[i]) + 1) / 2) * 255;
          worst = Math.max(worst, Math.abs(predicted - xt[i]));
          checked++;
        }
        assert.ok(checked > 100, `enough unclipped pixels at t = ${t} (${checked})`);
        assert.ok(worst <= 1.5, `x_t pixels match the closed form at t = ${t} (worst error ${worst.toFixed(2)} grey levels)`);
      }
      // t = 1 is nearly the digit; t = 1000 is nearly the noise.
      await setRangeAndReadNextFrame(page, '[data-testid="fd-t"]', 1, () => 0);
      assert.ok(differing(await canvasGrey(page, 'fd-xt'), x0, 6) === 0, 'x_1 looks like x_0');
      await setRangeAndReadNextFrame(page, '[data-testid="fd-t"]', 1000, () => 0);
      assert.ok(differing(await canvasGrey(page, 'fd-xt'), eps, 3) === 0, 'x_1000 looks like eps');
      const [mean, std] = (await page.locator('[data-testid="fd-stats"]').innerText())
        .replace(/\u2212/g, '-')
        .split(',')
        .map(Number);
      assert.ok(Math.abs(mean) < 0.1 && Math.abs(std - 1) < 0.1, `x_1000 has mean ~0 and std ~1 (got ${mean}, ${std})`);
    });
  });

  test('the t slider repaints x_t and the histogram within one animation frame', async () => {
    await withPage(chapterPage(), async (s) => {
      const { page } = s;
      await ready(s);
      const read = () => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="fd-xt"]')!;
        return {
          pixels: Array.from(
            c
              .getContext('2d')!
              .getImageData(0, 0, 32, 32)
              .data.filter((_, i) => i % 4 === 0),
          ),
          hist: document.querySelector('[data-testid="fd-hist-xt"]')!.getAttribute('d'),
        };
      };
      const before = await page.evaluate(read);
      const after = await setRangeAndReadNextFrame(page, '[data-testid="fd-t"]', 600, read);
      assert.ok(differing(before.pixels, after.pixels, 2) > 300, 'most x_t pixels changed in the next frame');
      assert.notEqual(before.hist, after.hist, 'the histogram changed in the next frame');

      const slider = page.locator('[data-testid="fd-t"]');
      await slider.focus();
      await page.keyboard.press('ArrowRight');
      assert.equal(await slider.getAttribute('aria-valuetext'), 't = 601 of 1000', 'keyboard moves t');
    });
  });

  test('slider updates are cheap: time from input event to repainted widget, 40 moves each', async () => {
    await withPage(chapterPage(), async (s) => {
      const { page } = s;
      await ready(s);
      for (const [name, selector] of [
        ['forward-diffusion t slider', '[data-testid="fd-t"]'],
        ['noise-schedule t slider', '[data-testid="nse-t"]'],
      ]) {
        const times = await page.evaluate(async (sel) => {
          const input = document.querySelector<HTMLInputElement>(sel)!;
          const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
          const out: number[] = [];
          for (let k = 0; k < 40; k++) {
            await new Promise((r) => requestAnimationFrame(r));
            const t0 = performance.now();
            setter.call(input, String(100 + k * 20));
            input.dispatchEvent(new Event('input', { bubbles: true })); // React renders a discrete event synchronously
            out.push(performance.now() - t0);
          }
          return out.sort((a, b) => a - b);
        }, selector);
        const median = times[Math.floor(times.length / 2)];
        console.log(`# ${name}: median ${median.toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms from input event to re-rendered widget`);
        assert.ok(median < 16, `${name}: median update ${median.toFixed(2)} ms fits in a 60 Hz frame`);
      }
    });
  });

  test('digit, sample, schedule and re-roll each change the picture', async () => {
    await withPage(chapterPage(), async (s) => {
      const { page } = s;
      await ready(s);
      const frame = page.locator('[data-widget="forward-diffusion"]');
      const size0 = await boxOf(frame);

      let x0 = await canvasGrey(page, 'fd-x0');
      await page.locator('[data-testid="fd-digit"]').selectOption('7');
      let next = await canvasGrey(page, 'fd-x0');
      assert.ok(differing(x0, next, 10) > 50, 'another digit class shows another digit');
      assert.match((await page.locator('[data-testid="fd-x0"]').getAttribute('aria-label')) ?? '', /digit 7, sample 1/);

      x0 = next;
      const sample = page.locator('[data-testid="fd-sample"]');
      await sample.focus();
      await page.keyboard.press('ArrowRight');
      next = await canvasGrey(page, 'fd-x0');
      assert.ok(differing(x0, next, 10) > 50, 'the next sample is another 7');
      assert.equal(await sample.getAttribute('aria-valuetext'), 'sample 2 of 24');

      const xt = await canvasGrey(page, 'fd-xt');
      const saLinear = await coef(page, 'fd-sqrt-abar');
      await page.locator('[data-testid="fd-schedule"]').selectOption('cosine');
      const saCosine = await coef(page, 'fd-sqrt-abar');
      assert.ok(saCosine > saLinear, `at t = 200 the cosine schedule keeps more signal (${saCosine} > ${saLinear})`);
      assert.ok(differing(xt, await canvasGrey(page, 'fd-xt'), 2) > 200, 'another schedule, another x_t');

      const eps = await canvasGrey(page, 'fd-eps');
      const seed = await page.locator('[data-testid="fd-seed"]').innerText();
      const hist = await page.locator('[data-testid="fd-hist-xt"]').getAttribute('d');
      await page.locator('[data-testid="fd-reroll"]').click();
      assert.notEqual(await page.locator('[data-testid="fd-seed"]').innerText(), seed, 'a new seed');
      assert.ok(differing(eps, await canvasGrey(page, 'fd-eps'), 10) > 500, 'new noise');
      assert.notEqual(await page.locator('[data-testid="fd-hist-xt"]').getAttribute('d'), hist, 'a new histogram');

      const size1 = await boxOf(frame);
      assert.deepEqual([size1.width, size1.height], [size0.width, size0.height], 'the widget keeps its size');
    });
  });

  test('while the digits load, a same-size skeleton says so', async () => {
    await withPage(openPage(), async (s) => {
      const { page } = s;
      let release = () => {};
      const gate = new Promise<void>((r) => (release = r));
      await page.route(DIGITS, async (route) => {
        await gate;
        await route.continue();
      });
      await s.goto(CHAPTER);
      const frame = page.locator('[data-widget="forward-diffusion"]');
      await page.waitForSelector('[data-widget="forward-diffusion"][aria-busy="true"]');
      assert.match(await frame.locator('[role="status"]').innerText(), /Loading digits/);
      const loading = await boxOf(frame);
      release();
      await page.waitForSelector('[data-widget="forward-diffusion"][aria-busy="false"]');
      const loaded = await boxOf(frame);
      assert.deepEqual([loaded.width, loaded.height], [loading.width, loading.height], 'no layout shift when the digits arrive');
    });
  });

  test('a missing digit file gives a clear message in the widget; the rest of the page works', async () => {
    await withPage(openPage({ allow: [DIGITS] }), async (s) => {
      const { page } = s;
      await page.route(DIGITS, (route) => route.fulfill({ status: 404, body: 'not here' }));
      await s.goto(CHAPTER);
      await page.waitForSelector('[data-widget="noise-schedule-explorer"][data-ready="true"]');
      const message = page.locator('[data-testid="fd-error"]');
      await message.waitFor();
      assert.match(await message.innerText(), /could not be loaded.*404/s);
      // Same size as the working widget (measured on a page where the digits load).
      const broken = await boxOf(page.locator('[data-widget="forward-diffusion"]'));
      const ok = await openPage();
      try {
        await ok.goto(CHAPTER);
        await ok.page.waitForSelector('[data-widget="forward-diffusion"][aria-busy="false"]');
        const working = await boxOf(ok.page.locator('[data-widget="forward-diffusion"]'));
        assert.deepEqual([broken.width, broken.height], [working.width, working.height], 'the error state keeps the widget size');
      } finally {
        await ok.close();
      }
      assert.equal(await page.locator('[data-testid="fd-reroll"]').isDisabled(), true, 'controls are disabled');
      // The other widget still responds.
      const slider = page.locator('[data-testid="nse-t"]');
      await slider.focus();
      await page.keyboard.press('End');
      closeTo(Number(await page.locator('[data-testid="nse-linear-beta"]').getAttribute('data-value')), 0.02, 1e-9, 'explorer works');
    });
  });

  test('a corrupt digit file gives a clear message in the widget', async () => {
    await withPage(openPage(), async (s) => {
      const { page } = s;
      await page.route(DIGITS, (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('garbage, not digits') }));
      await s.goto(CHAPTER);
      const message = page.locator('[data-testid="fd-error"]');
      await message.waitFor();
      assert.match(await message.innerText(), /could not be loaded.*bad magic/s);
    });
  });
});
