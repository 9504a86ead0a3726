/**
 * Evaluate the trained classifier (EMA weights of checkpoints/classifier-v1/train.ckpt), compute the
 * FLD reference floors, and ship it:
 *   npx tsx scripts/train/classifier-export.ts [--dir checkpoints/classifier-v1] [--out public/models/classifier-v1] [--vae public/models/vae-v1] [--quantization auto|none|float16]
 * Test accuracy on the TEST split; FLD(test vs train) and FLD(VAE reconstructions of test vs train),
 * the floors any generator's FLD against the train split should be read against. The VAE floor is
 * also written into the VAE's manifest.json (metrics.fld).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../lib/tf';
import { paddedBatch, type DigitSet } from '../../lib/data/mnist';
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
import type { ModelManifest } from '../../lib/train/manifest';
import { readWeightsDir } from '../../lib/weights/node';
import { float16Copy, gitCommit, loadRun, mnistDataBlock, shipWeights, startExport, trainingBlock, writeManifest } from './common';

const { flag, dir, out, quantArg, trainSet, testSet } = await startExport('classifier-v1');
const vaeDir = flag('vae', 'public/models/vae-v1');
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
  const m16 = await float16Copy(dir, model.params, classifierShapes(config), () => new DigitClassifier(config));
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

const bytes = await shipWeights(out, shippedModel.params, { quantization, metadata: { kind: 'digit-classifier', config } });
const manifest: ModelManifest = {
  name: 'classifier-v1',
  kind: 'classifier',
  version: 1,
  description:
    'Small CNN digit classifier for evaluation: its logits give conditional accuracy, its penultimate features the Frechet LeNet Distance (FLD). Input (N, 32, 32, 1) in [-1, 1].',
  config: { ...config },
  parameters: countClassifierParameters(config),
  flops: { forward: classifierFlopsPerImage(config) },
  data: mnistDataBlock(trainSet, testSet, 'random shifts of up to 2 px'),
  training: trainingBlock(meta, recipe, ['acc']),
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
writeManifest(join(out, 'manifest.json'), manifest);

// The VAE's own report carries the same floors.
const vaeUpdated = {
  ...vaeShip,
  metrics: {
    ...vaeShip.metrics,
    fld: { vaeReconTestVsTrain: fldReconVsTrain, testVsTrain: fldTestVsTrain, classifier: 'models/classifier-v1', vaeReconTestAccuracy: reconAccuracy },
  },
};
writeManifest(vaeManifestFile, vaeUpdated);
console.log(JSON.stringify({ out, quantization, bytes, metrics: manifest.metrics }, null, 2));
shippedModel.dispose();
if (shippedModel !== model) model.dispose();
