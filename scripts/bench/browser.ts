/**
 * The browser section of `npm run bench`: the live sampler (chapter 07's ReverseSampler) in headless
 * Chromium, per tfjs backend, on the built site (out/, `npm run build` first; run under the build lock).
 *
 *   npx tsx scripts/bench/browser.ts [--backends wasm,wasm?threads=2,webgl,webgpu] [--limit-s 240] [--json artifacts/bench-browser.json] [--out DIR]
 *
 * A backend may carry more of the page's query (`wasm?threads=2`: two WebAssembly threads); the site
 * is served cross-origin isolated, as scripts/serve.mjs serves it.
 *
 * --out serves another built site (default: this tree's out/). --before DIR [--before-label TEXT] first
 * runs the same backends on an earlier build (DIR is its out/), so that one file holds the before and
 * after figures from one run on one machine.
 *
 * Workload: the default model (or the development folder when it is not shipped), 16 samples,
 * 50 DDIM steps, guidance scale 4 (the widget's defaults). For each backend:
 *   first picture   ms from the request to the first streamed picture (cold: includes starting the
 *                   backend and loading the weights; warm: a re-roll after that)
 *   full grid       ms from the request to the 16 finished samples (cold and warm)
 *   ms / step       the worker's mean time per step (warm run)
 * And for the chapter page: JS transferred (compressed bytes on the wire) before any widget loads,
 * and after the sampler has run (the worker's JS and the wasm binary counted apart, weights apart).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page, Request } from 'playwright-core';
import { launchChromium } from '../chromium';
import { startServer } from '../serve.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_OUT = path.join(repo, 'out');
const CHAPTER = '/chapters/guidance-and-sampling/';
const RS = '[data-widget="reverse-sampler"]';

export interface BrowserBenchRow {
  backend: string;
  ranOn: string;
  reason: string;
  coldFirstPictureMs: number | null;
  coldFullGridMs: number | null;
  warmFirstPictureMs: number | null;
  warmFullGridMs: number | null;
  msPerStep: number | null;
  /** Steps measured for msPerStep (fewer than 50 when the run hit the time limit). */
  stepsMeasured: number;
  note?: string;
}

export interface BrowserBench {
  model: string;
  workload: string;
  rows: BrowserBenchRow[];
  page: { jsBeforeWidget: number; jsAfterWidget: number; workerJs: number; wasm: number; weights: number };
  /** The same backends on an earlier build, measured first in the same run (--before). */
  before?: { build: string; rows: BrowserBenchRow[] };
}

function sizeOf(r: Request): Promise<number> {
  return r.sizes().then(
    (s) => s.responseBodySize + s.responseHeadersSize,
    () => 0,
  );
}

async function waitRun(page: Page, minRequest: number, timeoutMs: number) {
  await page.waitForFunction(
    ({ sel, r }) => {
      const el = document.querySelector(sel) as HTMLElement | null;
      return !!el && (el.dataset.status === 'done' || el.dataset.status === 'error') && Number(el.dataset.request) >= r;
    },
    { sel: RS, r: minRequest },
    { timeout: timeoutMs, polling: 50 },
  );
  return page.locator(RS).evaluate((el: HTMLElement) => ({ ...el.dataset }));
}

export async function runBrowserBench(opts: { backends?: string[]; timeoutMs?: number; out?: string } = {}): Promise<BrowserBench> {
  const OUT = opts.out ?? DEFAULT_OUT;
  const backends = opts.backends ?? ['wasm', 'wasm?threads=2', 'webgl', 'webgpu'];
  const timeoutMs = opts.timeoutMs ?? 240_000;
  if (!existsSync(path.join(OUT, 'index.html'))) throw new Error('out/ is missing: npm run build first');
  const shipped = existsSync(path.join(OUT, 'models', 'dit-default-v1', 'model.json'));
  const model = shipped ? 'models/dit-default-v1' : 'models/dit-dev-v1';
  const server = await startServer({ root: OUT, port: 0 });
  const browser = await launchChromium();
  const rows: BrowserBenchRow[] = [];
  let pageWeight: BrowserBench['page'] | null = null;
  try {
    for (const backend of backends) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const finished: Request[] = [];
      context.on('requestfinished', (r) => finished.push(r));
      const [name, extra] = backend.split('?');
      const q = new URLSearchParams({ backend: name, ...Object.fromEntries(new URLSearchParams(extra ?? '')), ...(shipped ? {} : { model }) });
      // A generous limit: on the shared 2-core machine the chapter page alone can take over 30 s to load.
      await page.goto(`${server.url}${CHAPTER}?${q}`, { waitUntil: 'load', timeout: 180_000 });
      await page.waitForTimeout(1000);
      const beforeReqs = [...finished];
      const row: BrowserBenchRow = {
        backend,
        ranOn: '',
        reason: '',
        coldFirstPictureMs: null,
        coldFullGridMs: null,
        warmFirstPictureMs: null,
        warmFullGridMs: null,
        msPerStep: null,
        stepsMeasured: 0,
      };
      try {
        await page.locator(RS).scrollIntoViewIfNeeded();
        const cold = await waitRun(page, 1, timeoutMs);
        if (cold.status === 'error') throw new Error(await page.locator(`${RS} [data-testid="widget-error"]`).innerText());
        row.ranOn = cold.backend ?? '';
        row.reason = await page.locator(`${RS} [data-testid="backend-line"]`).innerText();
        row.coldFirstPictureMs = Number(cold.firstMs);
        row.coldFullGridMs = Number(cold.doneMs);
        if (!pageWeight) {
          const js = async (reqs: Request[], pred: (u: string) => boolean) =>
            (await Promise.all(reqs.filter((r) => pred(r.url())).map(sizeOf))).reduce((a, b) => a + b, 0);
          const isJs = (u: string) => /\.m?js(\?|$)/.test(new URL(u).pathname);
          const all = [...finished];
          const workerJs = await js(
            all.filter((r) => !beforeReqs.includes(r)),
            isJs,
          );
          pageWeight = {
            jsBeforeWidget: await js(beforeReqs, isJs),
            jsAfterWidget: await js(all, isJs),
            workerJs,
            wasm: await js(all, (u) => u.endsWith('.wasm')),
            weights: await js(all, (u) => u.includes('/models/')),
          };
        }
        const r1 = Number(cold.request);
        await page.locator('[data-testid="rs-reroll"]').click();
        const warm = await waitRun(page, r1 + 1, timeoutMs);
        row.warmFirstPictureMs = Number(warm.firstMs);
        row.warmFullGridMs = Number(warm.doneMs);
        row.msPerStep = await page.locator(RS).evaluate((el: HTMLElement) => Number(el.dataset.msPerStep));
        row.stepsMeasured = 50;
      } catch (e) {
        // Over the time limit (SwiftShader's WebGPU takes tens of seconds per step here): report the
        // speed of the steps that ran, marked as such.
        const d = await page
          .locator(RS)
          .evaluate((el: HTMLElement) => ({ ...el.dataset }))
          .catch(() => null);
        if (d && d.backend) row.ranOn = d.backend;
        if (!row.reason)
          row.reason = await page
            .locator(`${RS} [data-testid="backend-line"]`)
            .innerText()
            .catch(() => '');
        if (d && Number(d.step) > 0 && d.msPerStep) {
          row.msPerStep = Number(d.msPerStep);
          row.stepsMeasured = Number(d.step);
          const which = row.coldFullGridMs === null ? 'the first (cold) run' : 'the second (warm) run';
          row.note = `${which} stopped at the ${(timeoutMs / 1000).toFixed(0)} s limit after ${d.step} of ${d.totalSteps} steps; at ${row.msPerStep.toFixed(0)} ms per step a full grid takes about ${((row.msPerStep * 50) / 1000).toFixed(0)} s`;
        } else {
          row.note = (e as Error).message.split('\n')[0].slice(0, 160);
        }
      }
      rows.push(row);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return {
    model,
    workload: '16 samples, 50 DDIM steps (eta 0), guidance scale 4, 8x8x4 latents',
    rows,
    page: pageWeight ?? { jsBeforeWidget: 0, jsAfterWidget: 0, workerJs: 0, wasm: 0, weights: 0 },
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
const ms = (n: number | null) => (n === null || Number.isNaN(n) ? '–' : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${n.toFixed(0)} ms`);

function formatRows(rows: BrowserBenchRow[]): string[] {
  return [
    '| backend | ran on | first picture (cold / warm) | full grid (cold / warm) | ms per step |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.ranOn || '–'} | ${ms(r.coldFirstPictureMs)} / ${ms(r.warmFirstPictureMs)} | ${ms(r.coldFullGridMs)} / ${ms(r.warmFullGridMs)} | ${r.msPerStep === null ? '–' : `${r.msPerStep.toFixed(0)}${r.stepsMeasured < 50 ? ` (${r.stepsMeasured} steps)` : ''}`} |`,
    ),
    ...rows.filter((r) => r.note).map((r) => `- ${r.backend}: ${r.note}`),
  ];
}

export function formatBrowserBench(b: BrowserBench): string {
  const lines = [
    `Browser (headless Chromium, ${b.model}; ${b.workload})`,
    '',
    ...(b.before ? [`Before (${b.before.build}):`, '', ...formatRows(b.before.rows), '', 'After (this build):', ''] : []),
    ...formatRows(b.rows),
    '',
    `Chapter page JS on the wire: ${kb(b.page.jsBeforeWidget)} before a widget loads, ${kb(b.page.jsAfterWidget)} after the sampler ran (worker and tfjs ${kb(b.page.workerJs)}); plus the wasm binary ${kb(b.page.wasm)} and weights ${kb(b.page.weights)}.`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const limit = arg('--limit-s');
  const site = arg('--out');
  const beforeSite = arg('--before');
  const common = { backends: arg('--backends')?.split(','), timeoutMs: limit ? Number(limit) * 1000 : undefined };
  const before = beforeSite ? await runBrowserBench({ ...common, out: path.resolve(beforeSite) }) : null;
  const result: BrowserBench = await runBrowserBench({ ...common, out: site ? path.resolve(site) : undefined });
  if (before) result.before = { build: arg('--before-label') ?? beforeSite!, rows: before.rows };
  console.log(formatBrowserBench(result));
  const out = arg('--json') ?? path.join(repo, 'artifacts', 'bench-browser.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
}
