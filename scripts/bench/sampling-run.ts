/**
 * The live sampler's workload in Node, without a browser: the shipped default DiT and VAE, one
 * SamplingRun (lib/sample/run.ts) of 16 samples, 50 DDIM steps, guidance scale 4, decoding the
 * traced sample every step and the whole grid every step (the worker does when a step takes longer
 * than the widget's preview interval, as it does here). Reports CPU time, which does not count waiting
 * for a core on a shared machine, split into the network, the sampler step and the decoder.
 *
 *   npx tsx scripts/bench/sampling-run.ts [--path forward|infer] [--steps 50] [--grid-every 1]
 */
import { tf } from '../../lib/tf';
import { setNodeBackend } from '../../lib/node-backend';
import { readWeightsDir } from '../../lib/weights/node';
import { configFromManifest } from '../../lib/dit/config';
import { DiT } from '../../lib/dit/model';
import { TinyVAE } from '../../lib/vae/model';
import { parameterShapes, type VAEConfig } from '../../lib/vae/config';
import { betaSchedule } from '../../lib/diffusion/schedules';
import { SamplingRun, type SamplerModel } from '../../lib/sample/run';
import { readFileSync } from 'node:fs';

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : d;
};
const path = arg('--path', 'infer');
const steps = Number(arg('--steps', '50'));
const gridEvery = Number(arg('--grid-every', '1'));
await setNodeBackend('wasm');
const root = new URL('../../public/models/', import.meta.url).pathname;
const ship = JSON.parse(readFileSync(`${root}dit-default-v1/manifest.json`, 'utf8'));
const d = readWeightsDir(`${root}dit-default-v1`);
const dit = new DiT(configFromManifest(d.manifest));
dit.loadStateDict(d.tensors);
tf.dispose(Object.values(d.tensors));
const vaeShip = JSON.parse(readFileSync(`${root}vae-v1/manifest.json`, 'utf8'));
const vaeConfig = vaeShip.config as VAEConfig;
const v = readWeightsDir(`${root}vae-v1`, parameterShapes(vaeConfig));
const vae = new TinyVAE(vaeConfig);
vae.loadStateDict(v.tensors);
tf.dispose(Object.values(v.tensors));
const scale = ship.latents.scaleFactor as number;

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e3;
};
const spent = { net: 0, decode: 0 };
const timed = <T>(key: keyof typeof spent, fn: () => T): T => {
  const c0 = cpu();
  try {
    return fn();
  } finally {
    spent[key] += cpu() - c0;
  }
};
const model: SamplerModel = {
  // The network's kernels run when the op is called (wasm is synchronous), so CPU time around the call counts them.
  forward: (x, t, y) => timed('net', () => (path === 'forward' ? dit.forward(x, t, y) : dit.infer(x, t, y))),
  decode: (z) => timed('decode', () => tf.tidy(() => vae.decode(tf.div(z, scale)) as tf.Tensor4D)),
  betas: betaSchedule('linear', 1000),
  latentSize: 8,
  latentChannels: 4,
  numClasses: 10,
  learnSigma: true,
};
const params = {
  labels: Array.from({ length: 16 }, (_, i) => i % 10),
  seeds: Array.from({ length: 16 }, (_, i) => 1000 + i),
  steps,
  sampler: 'ddim' as const,
  eta: 0,
  guidanceScale: 4,
  cfgChannels: 'all' as const,
  traceIndex: 0,
};
const once = async () => {
  const run = new SamplingRun(model, params);
  try {
    await run.start(true);
    let k = 0;
    while (!run.done) await run.step(++k % gridEvery === 0 || run.stepsTaken === steps - 1);
    return await run.finish();
  } finally {
    run.dispose();
  }
};
await once(); // warm: weights packed, W^T cached
spent.net = 0;
spent.decode = 0;
const n0 = tf.memory().numTensors;
const c0 = cpu();
const w0 = performance.now();
const out = await once();
const total = cpu() - c0;
const wall = performance.now() - w0;
console.log(
  `${path}: 16 samples x ${steps} DDIM steps, CFG 4, grid decoded every ${gridEvery} step(s): cpu ${total.toFixed(0)} ms (network ${spent.net.toFixed(0)}, decoder ${spent.decode.toFixed(0)}, rest ${(total - spent.net - spent.decode).toFixed(0)}), wall ${wall.toFixed(0)} ms; tensors ${n0} -> ${tf.memory().numTensors}`,
);
let s = 0;
for (const x of out.images) s += x;
console.log('checksum', (s / out.images.length).toFixed(6));
dit.dispose();
vae.dispose();
