/**
 * Speed of the in-browser trainer's presets (lib/train/browser-recipe.ts), measured with the widget's
 * own code (lib/train/session.ts) on TensorFlow.js's wasm backend in Node:
 *
 *   npx tsx scripts/bench/trainer.ts [steps]
 *
 * Prints, per preset and batch size, milliseconds of CPU time and of wall-clock time per training
 * step (after two warm-up steps), and the VAE's encoding cost per digit. CPU time is what a step
 * costs on one free core; wall time includes whatever else the machine is doing.
 */
import { setNodeBackend } from '../../lib/node-backend';
import { loadMnistSplit } from '../../lib/data/node';
import { subset } from '../../lib/data/mnist';
import { encodeDigitSet } from '../../lib/train/latent-data';
import { decodeLatents } from '../../lib/vae/latents';
import { DEFAULT_TRAINER_SETTINGS, TRAINER_PRESETS, type TrainerBatch } from '../../lib/train/browser-recipe';
import { TrainSession } from '../../lib/train/session';
import { TinyVAE } from '../../lib/vae/model';
import { VAE_V1, parameterShapes } from '../../lib/vae/config';
import { readWeightsDir } from '../../lib/weights/node';
import { tf } from '../../lib/tf';

await setNodeBackend('wasm');
const steps = Number(process.argv[2] ?? 15);
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;

const vae = new TinyVAE(VAE_V1);
const { tensors } = readWeightsDir('public/models/vae-v1', parameterShapes(VAE_V1));
vae.loadStateDict(tensors);
tf.dispose(Object.values(tensors));
const scale = JSON.parse((await import('node:fs')).readFileSync('public/models/vae-v1/model.json', 'utf8')).userDefinedMetadata.scaleFactor as number;

const { trainSet } = loadMnistSplit();
const set = subset(
  trainSet,
  Array.from({ length: 500 }, (_, i) => (i * 17) % trainSet.count),
);
let c0 = process.cpuUsage();
let t0 = performance.now();
const data = await encodeDigitSet(vae, set, scale);
const results: Record<string, unknown>[] = [
  { what: 'VAE encode', digits: set.count, cpuMsPerDigit: cpuMs(process.cpuUsage(c0)) / set.count, wallMsPerDigit: (performance.now() - t0) / set.count },
];

for (const preset of TRAINER_PRESETS) {
  for (const batchSize of [32, 64] as TrainerBatch[]) {
    const s = new TrainSession({ ...DEFAULT_TRAINER_SETTINGS, preset, batchSize }, data, (z) => decodeLatents(vae, z, scale) as tf.Tensor4D);
    try {
      s.trainStep();
      s.trainStep();
      c0 = process.cpuUsage();
      t0 = performance.now();
      for (let i = 0; i < steps; i++) s.trainStep();
      results.push({
        preset,
        batchSize,
        parameters: s.parameters,
        tokens: s.tokens,
        cpuMsPerStep: Math.round(cpuMs(process.cpuUsage(c0)) / steps),
        wallMsPerStep: Math.round((performance.now() - t0) / steps),
      });
    } finally {
      s.dispose();
    }
  }
}
const os = await import('node:os');
console.log(JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg() }, steps, results }, null, 1));
vae.dispose();
