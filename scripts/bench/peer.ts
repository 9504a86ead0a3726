/**
 * tfjs against the runtime a web developer would otherwise pick: the shipped default DiT on
 * TensorFlow.js's WebAssembly backend (the site's own code) and on onnxruntime-web's (the PyTorch
 * reference model exported to ONNX with the same weights, scripts/bench/onnx_export.py), side by side
 * in one headless Chromium page, cross-origin isolated so both may use threads.
 *
 *   npx tsx scripts/bench/peer.ts [--threads 1,2] [--json scripts/bench/results-peer.json]
 *
 * Workload (scripts/bench/peer/shared.ts): the live sampler's grid without the decoder, i.e. 16
 * samples, 50 DDIM steps, guidance 4 (the network at batch 32), from the same starting noise. For
 * each runtime and thread count: one network call at batch 32 (median of 20) and the whole 50-step
 * loop (median of 3 after a warm-up), and how far the peer's final latents are from tfjs's.
 * Needs /usr/bin/python3 with torch for the export (written to artifacts/bench/).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium } from '../chromium';
import { median, type RunResult } from './peer/shared';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : d;
};
const threads = arg('--threads', '1,2').split(',').map(Number);
const jsonOut = arg('--json', path.join(repo, 'scripts/bench/results-peer.json'));
const work = path.join(repo, 'artifacts', 'bench');
mkdirSync(work, { recursive: true });

// 1. The peer's model, exported from the PyTorch reference with the shipped weights.
const onnx = path.join(work, 'dit-default.onnx');
const exp = spawnSync('/usr/bin/python3', ['scripts/bench/onnx_export.py', '--model', 'public/models/dit-default-v1', '--out', onnx], {
  cwd: repo,
  encoding: 'utf8',
});
if (exp.status !== 0) throw new Error(`onnx_export.py failed: ${exp.stderr}`);
const exported = JSON.parse(exp.stdout.trim().split('\n').pop()!);

// 2. The two workers, bundled (the tfjs one as a classic worker, as the site's; ORT's as a module).
for (const [name, format] of [
  ['tfjs', 'iife'],
  ['ort', 'esm'],
] as const) {
  const entry = path.join(repo, `scripts/bench/peer/${name}.worker.ts`);
  await build({ entryPoints: [entry], bundle: true, format, minify: true, outfile: path.join(work, `${name}.worker.js`), logLevel: 'error' });
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>peer bench</title><script type="module">
const ask = (url, opts, req) => new Promise((resolve) => {
  const w = new Worker(url, opts);
  w.onmessage = (e) => { w.terminate(); resolve(e.data); };
  w.onerror = (e) => { w.terminate(); resolve({ error: e.message }); };
  w.postMessage(req);
});
window.runPeer = async (threads) => {
  const tfjs = await ask('/bench/tfjs.worker.js', {}, { threads });
  if (tfjs.error) return [tfjs];
  const ort = await ask('/bench/ort.worker.js', { type: 'module' }, { threads, xT: tfjs.xT });
  return [tfjs, ort];
};
</script>`;

// 3. A cross-origin isolated server for the page, the bundles, the model, and both runtimes' files.
const roots: Record<string, string> = {
  '/bench/': work,
  '/models/': path.join(repo, 'public/models'),
  '/tfjs-wasm/': path.join(repo, 'public/tfjs-wasm'),
  '/ort/': path.join(repo, 'node_modules/onnxruntime-web/dist'),
};
const types: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost').pathname;
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
  if (url === '/') return void res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(PAGE);
  const prefix = Object.keys(roots).find((p) => url.startsWith(p));
  const file = prefix ? path.join(roots[prefix], url.slice(prefix.length)) : '';
  if (!file || !file.startsWith(roots[prefix!]) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404, headers).end();
  res.writeHead(200, { ...headers, 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;

interface Row extends Omit<RunResult, 'final' | 'xT'> {
  asked: number;
  loopMedianMs: number;
  /** Largest difference between this runtime's final latents and tfjs's, same threads asked. */
  maxAbsDiffFromTfjs: number;
}
const rows: Row[] = [];
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  for (const n of threads) {
    const out = (await page.evaluate((t) => (window as unknown as { runPeer: (t: number) => Promise<unknown> }).runPeer(t), n)) as (RunResult & {
      error?: string;
    })[];
    const failed = out.find((r) => r.error);
    if (failed) throw new Error(`the page failed at ${n} thread(s): ${failed.error}`);
    const ref = Float32Array.from(Object.values(out[0].final));
    for (const r of out) {
      const final = Float32Array.from(Object.values(r.final));
      let diff = 0;
      for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(final[i] - ref[i]));
      const { runtime, threads: ran, note, forwardMs, runMs } = r;
      rows.push({ runtime, asked: n, threads: ran, ...(note ? { note } : {}), forwardMs, runMs, loopMedianMs: median(runMs), maxAbsDiffFromTfjs: diff });
      console.error(
        `${runtime} ${n} thread(s) asked, ${ran} ran: forward ${forwardMs.toFixed(1)} ms, 50 steps ${median(runMs).toFixed(0)} ms, max |diff| ${diff.toExponential(2)}`,
      );
    }
  }
} finally {
  await browser.close();
  server.close();
}

const ortVersion = JSON.parse(readFileSync(path.join(repo, 'node_modules/onnxruntime-web/package.json'), 'utf8')).version;
const tfjsVersion = JSON.parse(readFileSync(path.join(repo, 'node_modules/@tensorflow/tfjs-core/package.json'), 'utf8')).version;
const report = {
  what: 'The default DiT (models/dit-default-v1) on tfjs-wasm and on onnxruntime-web (WebAssembly) in headless Chromium: one network call at batch 32 (median of 20), and 16 samples x 50 DDIM steps with guidance 4 without the decoder (median of 3 after a warm-up), ms',
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAvg: os.loadavg().map((l) => Math.round(l * 100) / 100) },
  versions: { tfjs: tfjsVersion, onnxruntimeWeb: ortVersion },
  onnx: { ...exported, file: path.relative(repo, exported.file) },
  rows,
};
writeFileSync(jsonOut, `${JSON.stringify(report, null, 1)}\n`);
console.log(
  JSON.stringify(
    rows.map(({ runtime, asked, threads: t, forwardMs, loopMedianMs, maxAbsDiffFromTfjs }) => ({
      runtime,
      asked,
      threads: t,
      forwardMs,
      loopMedianMs,
      maxAbsDiffFromTfjs,
    })),
  ),
);
