/**
 * How fast the in-browser trainer's presets learn digits: the widget's own code (TrainSession, the
 * 2,000-digit training sample it downloads, its sampling settings) on TensorFlow.js's wasm backend
 * in Node, scored by the evaluation classifier (conditional accuracy, chance = 10 %).
 *
 *   npx tsx scripts/bench/trainer-progress.ts [--preset DiT-mini-B/4] [--batch 64] [--lr 1e-3] [--steps 1000] [--every 250] [--png FILE]
 *
 * Every --every steps it samples 100 digits (ten of each class, fixed seeds) from the raw and the EMA
 * weights with the widget's defaults (DDIM, guidance, steps of DEFAULT_TRAINER_SETTINGS) and prints
 * one JSON line: step, CPU seconds spent training so far, loss, accuracy of each. CPU seconds are
 * what the steps cost on one free core, whatever else the machine runs. --png writes the last grid.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setNodeBackend } from '../../lib/node-backend';
import { tf } from '../../lib/tf';
import { loadMnistSplit } from '../../lib/data/node';
import { firstPerClass, subset } from '../../lib/data/mnist';
import { encodeDigitSet } from '../../lib/train/latent-data';
import { decodeLatents } from '../../lib/vae/latents';
import { DEFAULT_TRAINER_SETTINGS, TRAINER_PRESETS, type TrainerBatch, type TrainerPreset } from '../../lib/train/browser-recipe';
import { TrainSession } from '../../lib/train/session';
import { TinyVAE } from '../../lib/vae/model';
import { VAE_V1, parameterShapes } from '../../lib/vae/config';
import { readWeightsDir } from '../../lib/weights/node';
import { classifyImages } from '../../lib/metrics/classifier';
import { conditionalAccuracy } from '../../lib/metrics/frechet';
import { loadClassifier } from '../../lib/metrics/evaluator';
import { writeSamples } from '../../lib/sample/node';

const { values: a } = parseArgs({
  options: {
    preset: { type: 'string', default: 'DiT-mini-B/4' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: String(DEFAULT_TRAINER_SETTINGS.lr) },
    steps: { type: 'string', default: '1000' },
    every: { type: 'string', default: '250' },
    png: { type: 'string' },
  },
});
const preset = a.preset as TrainerPreset;
if (!TRAINER_PRESETS.includes(preset)) throw new Error(`--preset must be one of ${TRAINER_PRESETS.join(', ')}`);
const steps = Number(a.steps);
const every = Number(a.every);

await setNodeBackend('wasm');
const vae = new TinyVAE(VAE_V1);
const { tensors } = readWeightsDir('public/models/vae-v1', parameterShapes(VAE_V1));
vae.loadStateDict(tensors);
tf.dispose(Object.values(tensors));
const scale = JSON.parse(readFileSync('public/models/vae-v1/model.json', 'utf8')).userDefinedMetadata.scaleFactor as number;
const decode = (z: tf.Tensor4D) => decodeLatents(vae, z, scale) as tf.Tensor4D;

// The widget's training sample: the first 200 train-split digits of each class (scripts/build-assets.ts).
const { trainSet } = loadMnistSplit();
const data = await encodeDigitSet(vae, subset(trainSet, firstPerClass(trainSet.labels, 200)), scale);
const clf = loadClassifier();

const settings = { ...DEFAULT_TRAINER_SETTINGS, preset, batchSize: Number(a.batch) as TrainerBatch, lr: Number(a.lr) };
const session = new TrainSession(settings, data, decode);
const labels = Array.from({ length: 100 }, (_, i) => i % 10);
const seeds = Array.from({ length: 100 }, (_, i) => 5000 + i);

/** The widget's own sampling path (TrainSession.sampleGrid), on 100 digits, scored by the classifier. */
async function sample(weights: 'raw' | 'ema'): Promise<{ images: Float32Array; accuracy: number }> {
  const grid = await session.sampleGrid({ weights, guidanceScale: settings.guidanceScale, steps: settings.sampleSteps, labels, seeds });
  const images = grid!.images; // [0, 1]; null only when cancelled
  const scaled = Float32Array.from(images, (v) => v * 2 - 1); // the classifier reads [-1, 1]
  const { predicted } = classifyImages(clf, (s, e) => scaled.subarray(s * 1024, e * 1024), labels.length);
  return { images, accuracy: conditionalAccuracy(labels, predicted).overall };
}

let cpu = 0;
let last: Float32Array | null = null;
console.log(
  JSON.stringify({
    preset,
    batch: settings.batchSize,
    lr: settings.lr,
    guidance: settings.guidanceScale,
    sampleSteps: settings.sampleSteps,
    parameters: session.parameters,
  }),
);
for (let s = 1; s <= steps; s++) {
  const c0 = process.cpuUsage();
  const log = session.trainStep();
  const c = process.cpuUsage(c0);
  cpu += (c.user + c.system) / 1e6;
  if (s % every === 0 || s === steps) {
    const raw = await sample('raw');
    const ema = await sample('ema');
    last = raw.images;
    console.log(
      JSON.stringify({ step: s, trainCpuSeconds: +cpu.toFixed(1), loss: +log.loss.toFixed(4), rawAccuracy: raw.accuracy, emaAccuracy: ema.accuracy }),
    );
  }
}
if (a.png && last) writeSamples(a.png, Int32Array.from(labels), last, 10);
session.dispose();
vae.dispose();
