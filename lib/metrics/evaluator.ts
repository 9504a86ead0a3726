/**
 * The scoring a DiT's samples gets, from lib/metrics: conditional accuracy by the shipped digit
 * classifier (public/models/classifier-v1/) and Eq. frechet, the Frechet LeNet Distance of the
 * classifier's penultimate features to those of the whole training split (the reference the
 * classifier's manifest uses). Two floors come with it, computed as scripts/train/classifier-export.ts
 * computes them, so an FLD of ~1,000 samples can be read against what a perfect model would score:
 *   testVsTrain           the real test digits (unseen real data, about the same count)
 *   vaeReconTestVsTrain   the VAE's reconstructions of the test digits (a perfect latent model is
 *                         capped by its decoder)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf';
import { CLASSIFIER_V1, DigitClassifier, classifierShapes, classifyImages, type ClassifierConfig } from './classifier';
import { conditionalAccuracy, frechetDistance, gaussianStats, type GaussianStats } from './frechet';
import { decodeLatents, encodeLatents } from '../vae/latents';
import { readFolderFiles } from '../weights/node';
import { buildFromWeights } from '../weights';
import { loadMnistSplit } from '../data/node';
import { paddedBatch } from '../data/mnist';
import type { LoadedVAE } from '../train/dit-latents';

/** DIT_CLASSIFIER_DIR overrides it (dry runs against an untrained classifier). */
export const CLASSIFIER_DIR = process.env.DIT_CLASSIFIER_DIR ?? 'public/models/classifier-v1';
const SIDE = 32;

export interface Evaluator {
  /** images: N x 1,024 values in [0, 1] (32x32 row-major); labels: the class each was drawn for. */
  /** predicted: the classifier's verdict on each image (for paired comparisons, frechet.ts pairedVerdicts). */
  score(images: Float32Array, labels: Int32Array): { fld: number; conditionalAccuracy: number; perClassAccuracy: number[]; predicted: Int32Array };
  floors: Record<string, number>;
  classifierName: string;
  reference: string;
  dispose(): void;
}

export function loadClassifier(dir = CLASSIFIER_DIR): DigitClassifier {
  if (!existsSync(join(dir, 'model.json'))) throw new Error(`the classifier is not shipped yet: no ${dir}/model.json`);
  const m = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { userDefinedMetadata?: { config?: ClassifierConfig } };
  const config = m.userDefinedMetadata?.config ?? CLASSIFIER_V1;
  const { manifest, shards } = readFolderFiles(dir);
  return buildFromWeights(manifest, shards, classifierShapes(config), () => new DigitClassifier(config));
}

/** [0, 1] images to the classifier's [-1, 1]. */
function toSigned(images: Float32Array, start: number, end: number): Float32Array {
  const out = images.slice(start * SIDE * SIDE, end * SIDE * SIDE);
  for (let i = 0; i < out.length; i++) out[i] = out[i] * 2 - 1;
  return out;
}

export function loadEvaluator(vae: LoadedVAE, dir = CLASSIFIER_DIR): Evaluator {
  const clf = loadClassifier(dir);
  try {
    const split = loadMnistSplit();
    const F = clf.config.featureSize;
    const stats = (imgs: (s: number, e: number) => Float32Array, n: number): GaussianStats => gaussianStats(classifyImages(clf, imgs, n).features, n, F);
    const range = (s: number, e: number) => Int32Array.from({ length: e - s }, (_, k) => s + k);
    const train = split.trainSet;
    const ref = stats((s, e) => paddedBatch(train, range(s, e)), train.count);
    const test = split.testSet;
    const testImgs = paddedBatch(test, range(0, test.count)); // (n, 32, 32, 1) in [-1, 1]
    const testStats = stats((s, e) => testImgs.slice(s * SIDE * SIDE, e * SIDE * SIDE), test.count);
    const recon = new Float32Array(test.count * SIDE * SIDE);
    for (let s = 0; s < test.count; s += 250) {
      const e = Math.min(test.count, s + 250);
      const r = tf.tidy(() => {
        const z = encodeLatents(vae.vae, tf.tensor4d(testImgs.slice(s * SIDE * SIDE, e * SIDE * SIDE), [e - s, SIDE, SIDE, 1]), vae.scaleFactor, 'mean');
        return decodeLatents(vae.vae, z, vae.scaleFactor);
      });
      try {
        recon.set(r.dataSync(), s * SIDE * SIDE);
      } finally {
        r.dispose();
      }
    }
    const reconStats = stats((s, e) => recon.slice(s * SIDE * SIDE, e * SIDE * SIDE), test.count);
    const floors = { testVsTrain: frechetDistance(testStats, ref), vaeReconTestVsTrain: frechetDistance(reconStats, ref), floorSamples: test.count };
    return {
      floors,
      classifierName: dir,
      reference: `classifier penultimate features (${F}) of the ${train.count} training-split digits`,
      score(images: Float32Array, labels: Int32Array) {
        const count = labels.length;
        if (images.length !== count * SIDE * SIDE) throw new Error(`score: ${images.length} values for ${count} images`);
        const { features, predicted } = classifyImages(clf, (s, e) => toSigned(images, s, e), count);
        const acc = conditionalAccuracy(labels, predicted);
        return {
          fld: frechetDistance(gaussianStats(features, count, clf.config.featureSize), ref),
          conditionalAccuracy: acc.overall,
          perClassAccuracy: acc.perClass,
          predicted,
        };
      },
      dispose: () => clf.dispose(),
    };
  } catch (e) {
    clf.dispose();
    throw e;
  }
}
