/**
 * `npm run bench [-- --batches 64,256 --reps 5 --no-cpu]`: speed of the default mini DiT (DEFAULT_MINI)
 * on this machine. For each batch size: the forward pass and the training step (forward, backward,
 * Adam) on tfjs-wasm (one thread, as Node runs it), tfjs-wasm data-parallel over two threads, and the
 * tfjs cpu backend; and the same model in PyTorch (tests/reference/dit_reference.py, OpenBLAS), timed
 * at the start and at the end of the run. Writes scripts/bench/results.json (committed) and prints it.
 * --browser adds the browser section (scripts/bench/browser.ts; build the site first).
 * --sampler runs only the sampler section instead: DiT.infer per CFG chunk for the p = 1 presets and
 * the default, with each attention kernel (scripts/bench/sampler-forward.ts), written to
 * scripts/bench/results-sampler.json.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { tf } from '../lib/tf';
import { setNodeBackend, type NodeBackend } from '../lib/node-backend';
import { DiT } from '../lib/dit/model';
import { DEFAULT_MINI, getPreset, type DiTConfig } from '../lib/dit/config';
import { params } from '../lib/dit/flops';
import { parseArgs, intOption } from './cli/args';
import { DataParallel } from './bench/data-parallel';
import type { Batch } from './bench/replica';
import { measure, type Timing } from './bench/timing';

type Results = Record<string, { forward: Timing; trainStep: Timing }>;

const { options } = parseArgs(process.argv.slice(2));
const batches = String(options.batches ?? '64,256')
  .split(',')
  .map(Number);
const reps = intOption(options, 'reps', 5);
const withCpu = !options['no-cpu'];
const config: DiTConfig = getPreset(DEFAULT_MINI);
const LR = 1e-4;

/** A deterministic batch (mulberry32), so every backend sees the same numbers. */
function makeBatch(n: number, seed = 1): Batch {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const I = config.inputSize,
    C = config.inChannels;
  return {
    n,
    x: Float32Array.from({ length: n * I * I * C }, gauss),
    t: Float32Array.from({ length: n }, () => Math.floor(rand() * 1000)),
    y: Int32Array.from({ length: n }, () => Math.floor(rand() * (config.numClasses + 1))),
    target: Float32Array.from({ length: n * I * I * 2 * C }, gauss),
  };
}

/** Single-thread tfjs: optimizer.minimize, as a training loop would call it. */
async function benchTfjs(backend: NodeBackend): Promise<Results> {
  await setNodeBackend(backend);
  const model = new DiT(config, 0);
  const opt = tf.train.adam(LR);
  const out: Results = {};
  const slow = backend === 'cpu';
  for (const n of batches) {
    const b = makeBatch(n);
    const I = config.inputSize,
      C = config.inChannels;
    const x = tf.tensor4d(b.x, [n, I, I, C]);
    const t = tf.tensor1d(b.t);
    const y = tf.tensor1d(b.y, 'int32');
    const target = tf.tensor4d(b.target, [n, I, I, 2 * C]);
    const forward = () => {
      const o = model.forward(x, t, y);
      o.dataSync();
      o.dispose();
    };
    const step = () => {
      const loss = opt.minimize(
        () => tf.mean(tf.squaredDifference(model.forward(x, t, y, { train: true }), target)) as tf.Scalar,
        true,
        model.trainableVariables,
      )!;
      loss.dataSync();
      loss.dispose();
    };
    const r = slow ? (n > 64 ? 1 : 2) : n > 64 ? Math.max(3, Math.ceil(reps / 2)) : reps;
    // The pure-JS cpu backend is ~20x slower and has nothing to compile: no warm-up for its big batch.
    const warm = slow ? (n > 64 ? 0 : 1) : 2;
    out[n] = { forward: await measure(forward, Math.min(1, warm), r), trainStep: await measure(step, warm, r) };
    tf.dispose([x, t, y, target]);
    console.error(`  ${backend} batch ${n}: forward ${out[n].forward.medianS.toFixed(3)} s, step ${out[n].trainStep.medianS.toFixed(3)} s`);
  }
  model.dispose();
  opt.dispose();
  return out;
}

async function benchDataParallel(): Promise<{ results: Results; check: Record<string, number> }> {
  await setNodeBackend('wasm');
  const dp = await DataParallel.create(config, 0, LR);
  const out: Results = {};
  for (const n of batches) {
    const b = makeBatch(n);
    const r = n > 64 ? Math.max(3, Math.ceil(reps / 2)) : reps;
    out[n] = { forward: await measure(() => dp.forward(b), 1, r), trainStep: await measure(() => dp.step(b), 2, r) };
    console.error(`  wasm x2 batch ${n}: forward ${out[n].forward.medianS.toFixed(3)} s, step ${out[n].trainStep.medianS.toFixed(3)} s`);
  }
  const drift = await dp.replicaDrift();
  await dp.dispose();
  // The two halves' averaged gradients equal the whole batch's (label dropout off, so both see the same labels).
  const b = makeBatch(64, 7);
  const dp2 = await DataParallel.create(config, 3, LR);
  // Train a few steps first so that no layer is still at its zero initialisation.
  for (let i = 0; i < 3; i++) await dp2.step(makeBatch(64, 100 + i));
  const split = await dp2.averagedGrads(b, false);
  const whole = dp2.main.grads(b, false);
  let diff = 0,
    scale = 0;
  whole.grads.forEach((g, i) => {
    for (let j = 0; j < g.length; j++) {
      diff = Math.max(diff, Math.abs(g[j] - split.grads[i][j]));
      scale = Math.max(scale, Math.abs(g[j]));
    }
  });
  await dp2.dispose();
  return {
    results: out,
    check: { replicaDriftAfterBench: drift, maxGradDiffSplitVsWholeBatch: diff, maxAbsGrad: scale, lossSplit: split.loss, lossWhole: whole.loss },
  };
}

function benchTorch(threads: number): { threads: number; results: Results; [k: string]: unknown } {
  const r = spawnSync(
    '/usr/bin/python3',
    [
      'scripts/bench/torch_bench.py',
      '--input',
      String(config.inputSize),
      '--channels',
      String(config.inChannels),
      '--patch',
      String(config.patchSize),
      '--hidden',
      String(config.hiddenSize),
      '--depth',
      String(config.depth),
      '--heads',
      String(config.numHeads),
      '--classes',
      String(config.numClasses),
      '--batches',
      batches.join(','),
      '--threads',
      String(threads),
      '--reps',
      String(reps),
    ],
    // OpenBLAS starts its own threads whatever torch.set_num_threads says: pin it to the same count.
    { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) } },
  );
  if (r.status !== 0) throw new Error(`torch_bench.py failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  for (const n of batches)
    console.error(`  torch ${threads}t batch ${n}: forward ${j.results[n].forward.medianS.toFixed(3)} s, step ${j.results[n].trainStep.medianS.toFixed(3)} s`);
  return j;
}

const load = () => os.loadavg().map((l) => Math.round(l * 100) / 100);
if (options.sampler) {
  await setNodeBackend('wasm');
  const { benchSamplerForward } = await import('./bench/sampler-forward');
  const { CHUNK } = await import('../lib/sample/node');
  const loadBefore = load();
  const started = new Date().toISOString();
  const rows = await benchSamplerForward(['DiT-mini-S/1', 'DiT-mini-B/1', 'DiT-mini-L/1', DEFAULT_MINI], 2 * CHUNK, reps, (s) => console.error(s));
  const report = {
    what: `DiT.infer (the sampler's forward) on tfjs-wasm, one thread, per CFG chunk of ${CHUNK} samples (batch ${2 * CHUNK}), seconds (median of ${reps} after a warm-up), by attention kernel`,
    started,
    finished: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAvgStart: loadBefore, loadAvgEnd: load(), node: process.version },
    rows,
  };
  writeFileSync('scripts/bench/results-sampler.json', JSON.stringify(report, null, 1) + '\n');
  console.log(JSON.stringify(report, null, 1));
  process.exit(0);
}
const started = new Date().toISOString();
const loadStart = load();
console.error(`bench ${DEFAULT_MINI} (${params(config)} parameters), batches ${batches.join(', ')}, load ${loadStart.join(' ')}`);
const torchStart = [benchTorch(2), benchTorch(1)];
const wasm = await benchTfjs('wasm');
const dp = await benchDataParallel();
const cpu = withCpu ? await benchTfjs('cpu') : null;
const torchEnd = [benchTorch(2), benchTorch(1)];
const loadEnd = load();

// PyTorch reference per measurement: its best median over thread counts and over the two runs.
const torchRuns = [...torchStart, ...torchEnd];
const ratios: Record<string, Record<string, Record<string, number>>> = {};
for (const n of batches) {
  ratios[n] = {};
  for (const k of ['forward', 'trainStep'] as const) {
    const ref = Math.min(...torchRuns.map((r) => r.results[n][k].medianS));
    // Single-threaded runs: CPU seconds per rep, which other jobs on the machine inflate less than wall time.
    const torch1 = Math.min(...torchRuns.filter((r) => r.threads === 1).map((r) => r.results[n][k].cpuS));
    ratios[n][k] = {
      torchBestS: ref,
      cpuSecondsWasm1OverTorch1: wasm[n][k].cpuS / torch1,
      wasmOverTorch: wasm[n][k].medianS / ref,
      wasm2ThreadsOverTorch: dp.results[n][k].medianS / ref,
      ...(cpu ? { cpuOverTorch: cpu[n][k].medianS / ref } : {}),
    };
  }
}
const tfjsVersion = JSON.parse(readFileSync('node_modules/@tensorflow/tfjs-core/package.json', 'utf8')).version;
const report = {
  what: `${DEFAULT_MINI}: forward (inference) and training step (forward + backward + Adam, MSE loss on the full output) per batch, seconds (median of reps)`,
  started,
  finished: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAvgStart: loadStart,
    loadAvgEnd: loadEnd,
    node: process.version,
    tfjs: tfjsVersion,
    note: 'The 2 cores are shared with other jobs; the load averages show how busy the machine was.',
  },
  config,
  params: params(config),
  tfjs: { wasm1Thread: wasm, wasm2ThreadsDataParallel: dp.results, cpu, dataParallelCheck: dp.check },
  torch: { start: torchStart, end: torchEnd },
  ratios,
};
mkdirSync('scripts/bench', { recursive: true });
writeFileSync('scripts/bench/results.json', JSON.stringify(report, null, 1) + '\n');
console.log(JSON.stringify({ ratios, dataParallelCheck: dp.check, load: [loadStart, loadEnd] }, null, 1));

// Browser section (scripts/bench/browser.ts, the live sampler in headless Chromium per backend): needs
// the built site (npm run build). --browser runs it (--browser wasm,webgl picks backends).
if (options.browser) {
  const { runBrowserBench, formatBrowserBench } = await import('./bench/browser');
  const b = await runBrowserBench({ backends: typeof options.browser === 'string' ? options.browser.split(',') : undefined });
  writeFileSync('scripts/bench/results-browser.json', JSON.stringify(b, null, 1) + '\n');
  console.log(formatBrowserBench(b));
}
process.exit(0);
