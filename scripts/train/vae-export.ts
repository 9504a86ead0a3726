/**
 * Evaluate the trained VAE (EMA weights of checkpoints/vae-v1/train.ckpt) and ship it:
 *   npx tsx scripts/train/vae-export.ts [--dir checkpoints/vae-v1] [--out public/models/vae-v1] [--quantization auto|none|float16]
 * Computes on the TEST split the reconstruction MSE and PSNR (posterior mean, and one posterior
 * sample), the KL per latent element; on the TRAIN split the latent scale factor 1 / std of
 * posterior samples; writes model.json + shards, manifest.json and a PNG grid of test reconstructions.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../lib/tf';
import { paddedBatch, type DigitSet } from '../../lib/data/mnist';
import { TinyVAE, klPerElement, samplePosterior } from '../../lib/vae/model';
import { VAE_V1, countParameters, flopsPerImage, latentSize, parameterShapes, type VAEConfig } from '../../lib/vae/config';
import { MomentAccumulator } from '../../lib/vae/latents';
import { TrainRng } from '../../lib/train/rng';
import type { ModelManifest } from '../../lib/train/manifest';
import { float16Copy, gitCommit, loadRun, mnistDataBlock, psnr, shipWeights, startExport, trainingBlock, writeDigitGrid, writeManifest } from './common';

const { dir, out, quantArg, trainSet, testSet } = await startExport('vae-v1');
// recipe.json is written by scripts/train/vae.ts when the run ends; a partial run can be exported for a look.
const { recipe, config, meta, net: vae } = loadRun<VAEConfig, TinyVAE>(dir, VAE_V1, (c) => new TinyVAE(c));

const S = config.imageSize;
const L = latentSize(config);
const Z = config.latentChannels;
const BATCH = 250;

/** Test-split reconstruction error (outputs clipped to [-1, 1]) with the posterior mean and with one sample, and KL. */
function evaluate(model: TinyVAE, set: DigitSet, seed: number) {
  const rng = new TrainRng(seed);
  let seMean = 0,
    seSample = 0,
    kl = 0;
  const recon = new Float32Array(set.count * S * S);
  for (let s = 0; s < set.count; s += BATCH) {
    const idx = Int32Array.from({ length: Math.min(BATCH, set.count - s) }, (_, k) => s + k);
    const n = idx.length;
    const eps = rng.normalArray(n * L * L * Z);
    const [a, b, c, r] = tf.tidy(() => {
      const x = tf.tensor4d(paddedBatch(set, idx), [n, S, S, 1]);
      const post = model.encode(x);
      const rm = tf.clipByValue(model.decode(post.mean), -1, 1);
      const rs = tf.clipByValue(model.decode(samplePosterior(post, tf.tensor4d(eps, [n, L, L, Z]))), -1, 1);
      return [
        tf.sum(tf.square(tf.sub(x, rm))).dataSync()[0],
        tf.sum(tf.square(tf.sub(x, rs))).dataSync()[0],
        tf.sum(klPerElement(post)).dataSync()[0],
        rm.dataSync() as Float32Array,
      ];
    });
    seMean += a;
    seSample += b;
    kl += c;
    recon.set(r, s * S * S);
  }
  const mse = seMean / (set.count * S * S);
  const mseSample = seSample / (set.count * S * S);
  return { mse, psnr: psnr(mse), mseSample, psnrSample: psnr(mseSample), klPerElement: kl / (set.count * L * L * Z), klPerImage: kl / set.count, recon };
}

// ---- latent statistics on the train split: scale factor = 1 / std of posterior samples ------------
const rng = new TrainRng(20221219);
const all = new MomentAccumulator();
const means = new MomentAccumulator();
const perChannel = Array.from({ length: Z }, () => new MomentAccumulator());
for (let s = 0; s < trainSet.count; s += BATCH) {
  const idx = Int32Array.from({ length: Math.min(BATCH, trainSet.count - s) }, (_, k) => s + k);
  const n = idx.length;
  const eps = rng.normalArray(n * L * L * Z);
  const [zs, mu] = tf.tidy(() => {
    const post = vae.encode(tf.tensor4d(paddedBatch(trainSet, idx), [n, S, S, 1]));
    return [samplePosterior(post, tf.tensor4d(eps, [n, L, L, Z])).dataSync() as Float32Array, post.mean.dataSync() as Float32Array];
  });
  all.add(zs);
  means.add(mu);
  for (let i = 0; i < zs.length; i++) perChannel[i % Z].add([zs[i]]);
}
const scaleFactor = 1 / all.std;

// ---- test metrics, float32 vs float16 weights -------------------------------------------------------
const f32 = evaluate(vae, testSet, 7);
let quantization: 'none' | 'float16' = quantArg === 'float16' ? 'float16' : 'none';
let f16: ReturnType<typeof evaluate> | null = null;
if (quantArg === 'auto' || quantArg === 'float16') {
  const vae16 = await float16Copy(dir, vae.params, parameterShapes(config), () => new TinyVAE(config));
  f16 = evaluate(vae16, testSet, 7);
  vae16.dispose();
  // "No measurable quality cost": PSNR within 0.01 dB.
  if (quantArg === 'auto') quantization = Math.abs(f16.psnr - f32.psnr) < 0.01 ? 'float16' : 'none';
}
const shipped = quantization === 'float16' && f16 ? f16 : f32;

const bytes = await shipWeights(out, vae.params, { quantization, metadata: { kind: 'tiny-vae', config, scaleFactor } });

// ---- pictures: 32 test digits, originals above their reconstructions --------------------------------
const show = 32;
const orig = paddedBatch(
  testSet,
  Int32Array.from({ length: show }, (_, k) => (k * 31) % testSet.count),
);
const rec = new Float32Array(show * S * S);
for (let k = 0; k < show; k++) rec.set(shipped.recon.subarray(((k * 31) % testSet.count) * S * S, (((k * 31) % testSet.count) + 1) * S * S), k * S * S);
const grid = new Float32Array(show * 2 * S * S);
for (let row = 0; row < 4; row++) {
  grid.set(orig.subarray(row * 8 * S * S, (row + 1) * 8 * S * S), row * 16 * S * S);
  grid.set(rec.subarray(row * 8 * S * S, (row + 1) * 8 * S * S), (row * 16 + 8) * S * S);
}
writeDigitGrid(join(dir, 'test-reconstructions.png'), grid, show * 2, 8);

const flops = flopsPerImage(config);
const manifest: ModelManifest = {
  name: 'vae-v1',
  kind: 'vae',
  version: 1,
  description:
    'Tiny KL-regularised VAE: 32x32x1 digits in [-1, 1] -> 8x8x4 latents -> 32x32x1. The DiT works on z = scaleFactor * mean_or_sample(E(x)); pictures are D(z / scaleFactor).',
  config: { ...config },
  parameters: countParameters(config),
  flops: { encoder: flops.encoder, decoder: flops.decoder },
  data: mnistDataBlock(trainSet, testSet),
  training: trainingBlock(meta, recipe, ['mse', 'kl']),
  commit: gitCommit(),
  weights: { file: 'model.json', quantization, bytes, evaluated: 'EMA weights' },
  metrics: {
    test: {
      split: 'test',
      count: testSet.count,
      mse: shipped.mse,
      psnr: shipped.psnr,
      mseSample: shipped.mseSample,
      psnrSample: shipped.psnrSample,
      klPerElement: shipped.klPerElement,
      klPerImage: shipped.klPerImage,
      note: 'mse/psnr: decode(posterior mean), output clipped to [-1, 1]; *Sample: decode(one posterior sample); PSNR = 10 log10(2^2 / mse), the same as for [0, 1] data',
    },
    float32: { mse: f32.mse, psnr: f32.psnr },
    ...(f16 ? { float16: { mse: f16.mse, psnr: f16.psnr } } : {}),
  },
  scaleFactor,
  latent: {
    shape: [L, L, Z],
    layout: 'NHWC (N, 8, 8, 4)',
    scaleFactor,
    scaleFactorSource:
      '1 / std of posterior samples z = mean + exp(logvar/2) eps over all 9,001 train digits (one eps each, seed 20221219), all elements pooled',
    rawMean: all.mean,
    rawStd: all.std,
    stdOfPosteriorMeans: means.std,
    perChannelStd: perChannel.map((a) => a.std),
    perChannelMean: perChannel.map((a) => a.mean),
  },
  createdAt: new Date().toISOString(),
};
writeManifest(join(out, 'manifest.json'), manifest);
console.log(JSON.stringify({ out, quantization, bytes, scaleFactor, latent: manifest.latent, metrics: manifest.metrics }, null, 2));
console.log(`reconstructions: ${join(dir, 'test-reconstructions.png')}`);
vae.dispose();
if (!existsSync(join(out, 'model.json'))) throw new Error('model.json was not written');
