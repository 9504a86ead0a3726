/**
 * The results widgets: <ScalingChart /> on chapter 09 and <ConditioningCompare /> on
 * chapter 06. They plot the paper's numbers and whatever the models index (public/models/index.json,
 * written by the build) says is shipped. These tests check the page with the real index, then feed
 * fixture indexes through page.route (never through out/, so the built site never holds fake data):
 * a partly trained grid, a partly trained conditioning set whose folders point at the development
 * model, and a missing or corrupt index.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { attr, boxOf, OUT_DIR, PHONE, openPage, screenshot, waitFor, type PageOptions, withPage } from './harness';

const CH9 = '/chapters/scaling/';
const CH6 = '/chapters/the-dit-block/';
const SC = '[data-widget="scaling-chart"]';
const CC = '[data-widget="conditioning-compare"]';
const INDEX = /\/models\/index\.json(\?.*)?$/;
/** Desktop in light mode and a phone in dark mode: viewport (the harness's default when undefined), scheme, screenshot suffix. */
const VIEWS: [PageOptions['viewport'], 'light' | 'dark', string][] = [
  [undefined, 'light', 'desktop'],
  [PHONE, 'dark', 'phone-dark'],
];
const REAL_INDEX = JSON.parse(readFileSync(path.join(OUT_DIR, 'models', 'index.json'), 'utf8')) as { models: { recipe: string | null; name: string }[] };
const SAMPLES = 4;
const DEV_MODEL = existsSync(path.join(OUT_DIR, 'models', 'dit-dev-v1', 'model.json'));

/** An index entry as lib/models/models-index.ts writes it. */
interface EntryFixture {
  recipe: string;
  preset: string;
  patch: number;
  depth?: number;
  hidden?: number;
  conditioning?: string;
  gflops: number;
  fld: number;
  acc: number;
  folder?: string;
  steps?: number;
}

function entry({ recipe, preset, patch, depth = 6, hidden = 128, conditioning = 'adaLN-Zero', gflops, fld, acc, folder, steps = 1000 }: EntryFixture) {
  const name = `dit-${recipe}-v1`;
  return {
    name,
    folder: folder ?? `models/${name}`,
    kind: 'dit',
    recipe,
    purpose: `fixture ${recipe}`,
    preset,
    config: { inputSize: 8, patchSize: patch, depth, hiddenSize: hidden, numHeads: hidden / 32, learnSigma: true, conditioning },
    parameters: 1_000_000 + depth * hidden,
    gflops,
    steps,
    plannedSteps: steps,
    batchSize: 64,
    wallSeconds: 100,
    scores: {
      fld,
      conditionalAccuracy: acc,
      n: 1000,
      floors: { testVsTrain: 6.51, vaeReconTestVsTrain: 7.01 },
      weights: 'raw',
      sampler: 'ddim',
      samplingSteps: 50,
      cfgScale: 4,
    },
    metrics: {},
    lossCurve: Array.from({ length: 40 }, (_, i) => ({ step: (i + 1) * 25, loss: 0.06 + (0.9 * fld) / 200 / (1 + i / 3) })),
    createdAt: '2026-11-29T06:00:00.000Z',
  };
}
const index = (models: ReturnType<typeof entry>[]) => ({ format: 'dit-lab-models-index', version: 1, models, skipped: [] });

// Five of nine grid cells. Mflops ranks 1..5; FLD ranks 5, 3, 4, 2, 1: d = -4, -1, -1, 2, 4,
// sum d^2 = 38, rho = 1 - 6 * 38 / (5 * 24) = -0.9 (by hand).
const GRID_FIXTURE = index([
  entry({ recipe: 'scale-s-p4', preset: 'DiT-mini-S/4', patch: 4, depth: 4, hidden: 64, gflops: 0.00097, fld: 120, acc: 0.3 }),
  entry({ recipe: 'scale-s-p2', preset: 'DiT-mini-S/2', patch: 2, depth: 4, hidden: 64, gflops: 0.00345, fld: 100, acc: 0.4 }),
  entry({ recipe: 'scale-b-p4', preset: 'DiT-mini-B/4', patch: 4, gflops: 0.00551, fld: 110, acc: 0.35 }),
  entry({ recipe: 'scale-b-p2', preset: 'DiT-mini-B/2', patch: 2, gflops: 0.02004, fld: 60, acc: 0.7 }),
  entry({ recipe: 'scale-l-p1', preset: 'DiT-mini-L/1', patch: 1, depth: 8, hidden: 192, gflops: 0.24115, fld: 40, acc: 0.9 }),
]);

// Two of four conditioning variants, both served by the development model (random weights): the
// same seeds and class through the same weights must give the same pictures in both columns.
const COND_FIXTURE = index([
  entry({
    recipe: 'cond-in-context',
    preset: 'DiT-mini-B/2',
    patch: 2,
    conditioning: 'in-context',
    gflops: 0.0207,
    fld: 150,
    acc: 0.5,
    folder: 'models/dit-dev-v1',
  }),
  entry({ recipe: 'cond-adaln-zero', preset: 'DiT-mini-B/2', patch: 2, gflops: 0.02004, fld: 90, acc: 0.8, folder: 'models/dit-dev-v1' }),
]);

/** openPage with timeouts for a machine whose cores are busy training. */
const open = (options: PageOptions = {}) => openPage({ timeout: 120_000, ...options });

async function withIndex(page: Page, body: unknown, status = 200) {
  await page.route(INDEX, (route) => route.fulfill({ status, contentType: 'application/json', body: typeof body === 'string' ? body : JSON.stringify(body) }));
}

async function settled(page: Page, selector: string) {
  await waitFor(page, selector, (el) => ['ready', 'error'].includes(el.dataset.index ?? ''), undefined, 120_000);
}

/** How a test opens its chapter: page options, and a models index served in place of the real one (with its HTTP status). */
interface Visit {
  options?: PageOptions;
  index?: unknown;
  status?: number;
}

/** withPage at `pathname` (served `visit.index` when given), once the widget `selector` has read its index. */
async function withSettled(pathname: string, selector: string, visit: Visit, body: (page: Page) => Promise<void>) {
  await withPage(open(visit.options), async (s) => {
    if (visit.index !== undefined) await withIndex(s.page, visit.index, visit.status);
    await s.goto(pathname);
    await settled(s.page, selector);
    await body(s.page);
  });
}

describe('scaling chart (chapter 09)', () => {
  test("with the real index: the paper's twelve models, keyboard readouts, the grid as shipped", async () => {
    await withSettled(CH9, SC, {}, async (page) => {
      assert.equal(await attr(page, SC, 'index'), 'ready');
      assert.equal(await attr(page, '[data-testid="sc-paper"]', 'points'), '12');
      assert.ok(Math.abs(Number(await attr(page, SC, 'paper-rho')) - -131 / 143) < 1e-12, 'paper rho = -131/143');
      assert.match(await page.locator('[data-testid="sc-paper-rho"]').innerText(), /ρ = −0\.92 \(n = 12\)/);
      // Keyboard: focus the chart, Home and End reach the cheapest and the most expensive model.
      const chart = page.locator('[data-testid="sc-paper"]');
      await chart.focus();
      await page.keyboard.press('Home');
      assert.match(await page.locator('[data-testid="sc-paper-readout"]').innerText(), /DiT-S\/8: 0\.36 Gflops, 33M parameters, FID-50K 153\.60/);
      await page.keyboard.press('ArrowRight');
      assert.match(await page.locator('[data-testid="sc-paper-readout"]').innerText(), /DiT-S\/4: 1\.41 Gflops/);
      await page.keyboard.press('End');
      assert.match(await page.locator('[data-testid="sc-paper-readout"]').innerText(), /DiT-XL\/2: 118\.64 Gflops, 675M parameters, FID-50K 19\.47/);
      // The y axis: linear from 0 by default; log (as the paper's Figure 8) from the control, both plots, kept in the link.
      const ticks = () => page.locator('[data-testid="sc-paper"] .tick text').allTextContents();
      assert.equal(await attr(page, '[data-testid="sc-paper"]', 'y-scale'), 'linear');
      assert.ok((await ticks()).includes('0'), 'a linear FID axis starts at 0');
      await page.locator('[data-testid="sc-y"]').selectOption('log');
      assert.equal(await attr(page, '[data-testid="sc-paper"]', 'y-scale'), 'log');
      assert.equal(await attr(page, '[data-testid="sc-ours"]', 'y-scale'), 'log');
      const logTicks = await ticks();
      for (const t of ['20', '50', '100']) assert.ok(logTicks.includes(t), `log FID ticks ${logTicks.join(' ')}`);
      assert.ok(!logTicks.includes('0'), 'no 0 on a log axis');
      await page.locator('[data-testid="sc-link"]').click();
      assert.match(await page.locator('[data-testid="sc-link-url"]').inputValue(), /sc\.y=log/);
      await page.locator('[data-testid="sc-y"]').selectOption('linear');
      // Ours: exactly what the built index ships.
      const shipped = REAL_INDEX.models.filter((m) => /^scale-[sbl]-p[124]$/.test(m.recipe ?? ''));
      assert.equal(await attr(page, SC, 'trained'), String(shipped.length));
      assert.equal(await attr(page, '[data-testid="sc-ours"]', 'points'), String(shipped.length));
      assert.match(await page.locator('[data-testid="sc-status"]').innerText(), new RegExp(`${shipped.length} of 9 trained`));
      if (shipped.length < 9) assert.match(await page.locator('[data-testid="sc-status"]').innerText(), /npm run cli -- train scaling/);
      assert.equal(await page.locator('[data-testid="sc-grid-table"] tbody tr').count(), 9);
      assert.equal(await page.locator('[data-testid="sc-grid-table"] tbody tr[data-trained="false"]').count(), 9 - shipped.length);
      await page.locator(SC).scrollIntoViewIfNeeded();
      await screenshot(page, 'scaling-chart-real-desktop', { clip: await boxOf(page.locator(SC)) });
    });
  });

  test('with five grid models (fixture index): plots them, draws the floors, computes rho = -0.9 (n = 5)', async () => {
    for (const [viewport, colorScheme, name] of VIEWS) {
      await withSettled(CH9, SC, { options: { ...(viewport ? { viewport } : {}), colorScheme }, index: GRID_FIXTURE }, async (page) => {
        assert.equal(await attr(page, SC, 'trained'), '5');
        assert.equal(await attr(page, SC, 'n'), '5');
        assert.ok(Math.abs(Number(await attr(page, SC, 'rho')) - -0.9) < 1e-12, `rho ${await attr(page, SC, 'rho')}`);
        assert.match(await page.locator('[data-testid="sc-rho"]').innerText(), /ρ = −0\.90.*\(n = 5\)/);
        assert.equal(await attr(page, '[data-testid="sc-ours"]', 'points'), '5');
        assert.equal(await page.locator('[data-testid="sc-ours"] g[data-key]').count(), 5);
        assert.equal(await page.locator('[data-testid="sc-ours"] line + title').count(), 2, 'two floor lines');
        // The floors are named in the legend, not in the plot, where they sat on the x axis over each other.
        assert.equal(await page.locator('[data-testid="sc-floors"]').innerText(), 'FLD floors: 6.5 (test digits), 7.0 (VAE reconstructions)');
        const overlaps = await page.locator('[data-testid="sc-ours"]').evaluate((svg) => {
          const boxes = [...svg.querySelectorAll('text')]
            .filter((t) => t.textContent.trim())
            .map((t) => [t.textContent, t.getBoundingClientRect()] as [string, DOMRect]);
          const hit = (a: DOMRect, b: DOMRect) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
          return boxes.flatMap(([ta, a], i) =>
            boxes
              .slice(i + 1)
              .filter(([, b]) => hit(a, b))
              .map(([tb]) => `${ta} / ${tb}`),
          );
        });
        assert.deepEqual(overlaps, [], 'no two labels of our chart overlap');
        const status = await page.locator('[data-testid="sc-status"]').innerText();
        assert.match(status, /5 of 9 trained\. Not yet: S\/1, B\/1, L\/4, L\/2\. Train them with npm run cli -- train scaling/);
        assert.equal(await page.locator('[data-testid="sc-grid-table"] tbody tr[data-trained="false"]').count(), 4);
        assert.equal(await attr(page, '[data-testid="sc-loss"]', 'series'), '5');
        // Models of one size differ by dash (patch size) in the loss chart, and the legend says which is which.
        const dash = (key: string) =>
          page.locator(`[data-testid="sc-loss"] path[data-key="${key}"]`).evaluate((e) => e.getAttribute('stroke-dasharray') ?? 'solid');
        const [s4, s2, b4, b2] = [await dash('S/4'), await dash('S/2'), await dash('B/4'), await dash('B/2')];
        assert.notEqual(s4, s2, 'S/4 and S/2 are drawn differently');
        assert.notEqual(b4, b2, 'B/4 and B/2 are drawn differently');
        assert.equal(s4, b4, 'the same patch size has the same dash across sizes');
        assert.deepEqual(await page.locator('[data-testid="sc-loss-patches"] li').allInnerTexts(), ['p = 4', 'p = 2', 'p = 1']);
        // "p = 4" is one element in its flex legend item, so the item's gap cannot widen the spaces around "=".
        assert.equal(await page.locator('[data-testid="sc-loss-patches"] li > span').count(), 3);
        if (viewport === PHONE) {
          // The grid table scrolls inside its box, with the model names kept in view, and reaches its last column.
          const wrap = page.locator('[data-testid="sc-grid-scroll"]');
          await wrap.scrollIntoViewIfNeeded();
          const reach = await wrap.evaluate((w) => {
            const wide = w.scrollWidth > w.clientWidth;
            w.scrollLeft = w.scrollWidth;
            const box = w.getBoundingClientRect();
            const ths = w.querySelectorAll('thead th');
            const last = ths[ths.length - 1].getBoundingClientRect();
            const first = w.querySelector('tbody th')!.getBoundingClientRect();
            return { wide, lastIn: last.right <= box.right + 1 && last.left >= box.left, firstAtLeft: Math.abs(first.left - box.left) < 2 };
          });
          assert.deepEqual(reach, { wide: true, lastIn: true, firstAtLeft: true }, 'phone: the table scrolls to its last column with the first column sticky');
          await wrap.evaluate((w) => {
            w.scrollLeft = 0;
          });
        }
        // Keyboard readout of our grid: End is the most expensive trained model.
        await page.locator('[data-testid="sc-ours"]').focus();
        await page.keyboard.press('End');
        assert.match(
          await page.locator('[data-testid="sc-ours-readout"]').innerText(),
          /DiT-mini-L\/1: 241\.15 Mflops, .* FLD 40\.0, conditional accuracy 90\.0% \(1,000 samples, 1,000 training steps\)/,
        );
        // Hovering a point reads it out too.
        const box = await page.locator('[data-testid="sc-ours"] g[data-key="B/2"]').boundingBox();
        assert.ok(box, 'the point is drawn');
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await waitFor(page, '[data-testid="sc-ours-readout"]', (el) => /DiT-mini-B\/2/.test(el.textContent ?? ''));
        // Lines follow the reader's choice: by size (3 paths with >= 2 points) then by patch.
        await page.locator('[data-testid="sc-connect"]').selectOption('patch');
        assert.equal(await page.locator('[data-testid="sc-ours"] path[stroke-dasharray="3 3"]').count(), 3, 'one line per patch size');
        await page.locator('[data-testid="sc-connect"]').selectOption('none');
        assert.equal(await page.locator('[data-testid="sc-ours"] path[stroke-dasharray="3 3"]').count(), 0);
        await page.locator(SC).scrollIntoViewIfNeeded();
        await screenshot(page, `scaling-chart-fixture-${name}`, { clip: await boxOf(page.locator(SC)) });
      });
    }
  });

  test("a missing or corrupt index: a clear message, the paper's chart and the rest of the page still work", async () => {
    const cases: [number, string, RegExp][] = [
      [404, 'not here', /could not be fetched \(HTTP 404/],
      [200, '{"format": "dit-lab-models-index", "version": 1, "models": [', /not valid JSON/],
      [
        200,
        JSON.stringify(index([{ ...GRID_FIXTURE.models[0], scores: { fld: 'low' } } as unknown as ReturnType<typeof entry>])), // malformed on purpose
        /entry 1 of the models index \(dit-scale-s-p4-v1\) has malformed scores/,
      ],
    ];
    for (const [status, body, why] of cases) {
      await withSettled(CH9, SC, { options: { allow: [INDEX] }, index: body, status }, async (page) => {
        assert.equal(await attr(page, SC, 'index'), 'error');
        assert.match(await page.locator('[data-testid="sc-index-error"]').innerText(), why);
        assert.equal(await attr(page, '[data-testid="sc-paper"]', 'points'), '12');
        assert.equal(await attr(page, '[data-testid="sc-ours"]', 'points'), '0');
        assert.ok((await page.locator('.katex').count()) > 10, 'the maths still renders');
        await page.locator('[data-testid="sc-paper"]').focus();
        await page.keyboard.press('End');
        assert.match(await page.locator('[data-testid="sc-paper-readout"]').innerText(), /XL\/2/);
        if (status === 404) await screenshot(page, 'scaling-chart-missing-index', { clip: await boxOf(page.locator(SC)) });
      });
    }
  });
});

describe('conditioning comparison (chapter 06)', () => {
  test("with the real index: the paper's four blocks, and our set as shipped", async () => {
    await withSettled(CH6, CC, {}, async (page) => {
      const shipped = REAL_INDEX.models.filter((m) => /^cond-/.test(m.recipe ?? ''));
      assert.equal(await attr(page, CC, 'shipped'), String(shipped.length));
      const rows = page.locator('[data-testid="cc-table"] tbody tr');
      assert.equal(await rows.count(), 4);
      assert.match(await rows.nth(0).innerText(), /in-context\s+119\.37\s+449M\s+35\.24/);
      assert.match(await rows.nth(3).innerText(), /adaLN-Zero\s+118\.64\s+675M\s+19\.47/);
      assert.match(await page.locator('[data-testid="cc-status"]').innerText(), new RegExp(`${shipped.length} of 4 conditioning models trained`));
      if (shipped.length < 4) assert.match(await page.locator('[data-testid="cc-status"]').innerText(), /npm run cli -- train conditioning/);
      assert.equal(await page.locator(`${CC} figure[data-status="missing"]`).count(), 4 - shipped.length);
      const [scrollW, clientW] = await page.locator('[data-testid="cc-table"]').evaluate((t) => [t.parentElement!.scrollWidth, t.parentElement!.clientWidth]);
      assert.ok(scrollW <= clientW, `the table fits the widget at desktop width without scrolling (${scrollW} px in ${clientW})`);
      await page.locator(CC).scrollIntoViewIfNeeded();
      if (shipped.length === 0) {
        assert.match(await page.locator('[data-testid="cc-no-samples"]').innerText(), /once the conditioning models are trained/);
        // Nothing to sample: the page never starts the model worker.
        await page.waitForTimeout(500);
        assert.equal(await page.evaluate(() => '__ditLabModel' in window), false);
      }
      if (shipped.length > 0) {
        const h = await page
          .locator('[data-testid="cc-reroll"]')
          .evaluate((b) => [b.getBoundingClientRect().height, parseFloat(getComputedStyle(b).lineHeight) || 20]);
        assert.ok(h[0] < 2 * h[1] + 2, `the "New noise" label stays on one line (${h[0]} px tall)`);
      }
      await screenshot(page, 'conditioning-compare-real-desktop', { clip: await boxOf(page.locator(CC)) });
    });
  });

  test(
    'with two variants (fixture index on the development model): scores, loss curves and live samples of the same seeds',
    { skip: !DEV_MODEL && 'needs public/models/dit-dev-v1 (npx tsx scripts/bench/browser-dev-model.ts)' },
    async () => {
      for (const [viewport, colorScheme, name] of VIEWS) {
        await withSettled(`${CH6}?backend=wasm`, CC, { options: { ...(viewport ? { viewport } : {}), colorScheme }, index: COND_FIXTURE }, async (page) => {
          assert.equal(await attr(page, CC, 'shipped'), '2');
          assert.equal(await page.locator('[data-testid="cc-fld-in-context"]').innerText(), '150.0');
          assert.equal(await page.locator('[data-testid="cc-fld-adaLN-Zero"]').innerText(), '90.0');
          assert.match(
            await page.locator('[data-testid="cc-status"]').innerText(),
            /2 of 4 conditioning models trained\. Not yet: cross-attention, adaLN\. Train them with npm run cli -- train conditioning/,
          );
          assert.equal(await attr(page, '[data-testid="cc-loss"]', 'series'), '2');
          assert.deepEqual(await page.locator('[data-testid="cc-ours-bars"] g[data-key]').evaluateAll((gs) => gs.map((g) => g.dataset.value)), [
            '150',
            '',
            '',
            '90',
          ]);
          await page.locator(CC).scrollIntoViewIfNeeded();
          await page.locator('[data-testid="cc-steps"]').selectOption('10');
          await waitFor(page, CC, (el) => el.dataset.samplesDone === '2', undefined, 240_000);
          const pixels = await page.evaluate(() =>
            ['in-context', 'adaLN-Zero'].map((c) => {
              const cv = document.querySelector<HTMLCanvasElement>(`[data-testid="cc-grid-${c}"]`)!;
              return Array.from(cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data);
            }),
          );
          // Every pixel of the four 32x32 cells is painted (the 1-pixel gaps stay transparent), and not in one flat
          // grey: the development model's preview decoder is a blocky 4x upsampling, so few grey levels is expected.
          const painted = pixels[0].filter((v, i) => i % 4 === 3 && v === 255).length;
          assert.equal(painted, SAMPLES * 32 * 32, 'all four samples are drawn');
          const distinct = new Set(pixels[0].filter((_, i) => i % 4 === 0)).size;
          assert.ok(distinct >= 2, `the samples are pictures, not one flat grey (${distinct} grey levels)`);
          assert.deepEqual(pixels[0], pixels[1], 'same weights, same seeds and class: the same pictures in both columns');
          assert.equal(await page.locator(`${CC} figure[data-status="missing"]`).count(), 2);
          assert.match(await page.locator(`${CC} [data-testid="backend-line"]`).innerText(), /WebAssembly/);
          // The table may scroll inside its box on a phone; the widget itself never does.
          const [frameScroll, frameClient] = await page.locator(CC).evaluate((e) => [e.scrollWidth, e.clientWidth]);
          assert.ok(frameScroll <= frameClient, `the widget does not scroll sideways (${frameScroll} px in ${frameClient})`);
          await screenshot(page, `conditioning-compare-fixture-${name}`, { clip: await boxOf(page.locator(CC)) });
        });
      }
    },
  );

  test("a missing index: a clear message, the paper's numbers and the rest of the chapter still work", async () => {
    await withSettled(CH6, CC, { options: { allow: [INDEX] }, index: 'gone', status: 404 }, async (page) => {
      assert.match(await page.locator('[data-testid="cc-index-error"]').innerText(), /could not be fetched \(HTTP 404/);
      assert.match(await page.locator('[data-testid="cc-table"] tbody tr').nth(1).innerText(), /cross-attention\s+137\.62\s+598M\s+26\.14/);
      assert.equal(await page.locator('[data-testid="cc-paper-bars"] g[data-key]').count(), 4);
      assert.ok((await page.locator('.katex').count()) > 10, 'the maths still renders');
    });
  });
});
