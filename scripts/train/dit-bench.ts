/**
 * Measures training steps/s of a DiT preset on random latents (the wasm backend, one thread):
 *   npx tsx scripts/train/dit-bench.ts [--preset DiT-mini-B/2,...] [--conditioning adaLN-Zero] [--batch 128] [--steps 6] [--threads 1|2]
 * (with 2 threads the CPU time counts both threads)
 * Prints one JSON line per preset: wall seconds per step and CPU seconds per step (process.cpuUsage;
 * on a machine shared with other jobs the CPU time is what the run itself costs). The first (warm-up)
 * step is excluded.
 */
import { setNodeBackend } from '../../lib/node-backend';
import { tf } from '../../lib/tf';
import { getPreset, type Conditioning } from '../../lib/dit/config';
import { DiT } from '../../lib/dit/model';
import { createDiffusion } from '../../lib/diffusion/respace';
import { createDiTTask, type LatentDataset } from '../../lib/train/dit-task';
import { Trainer } from '../../lib/train/loop';
import { gflops, params } from '../../lib/dit/flops';
import { parseArgs } from '../cli/args';
import { DataParallelDiTTrainer } from '../../lib/train/data-parallel';

const a = parseArgs(process.argv.slice(2)).options;
await setNodeBackend('wasm');
const presets = String(a.preset ?? 'DiT-mini-B/2').split(',');
const batch = Number(a.batch ?? 128);
const steps = Number(a.steps ?? 6);
const count = 512;
const threads = Number(a.threads ?? 1);
const data: LatentDataset = {
  count,
  size: 8,
  channels: 4,
  labels: Int32Array.from({ length: count }, (_, i) => i % 10),
  mean: Float32Array.from({ length: count * 256 }, () => Math.random() - 0.5),
  std: new Float32Array(count * 256).fill(0.1),
};
for (const p of presets) {
  const config = getPreset(p);
  if (a.conditioning) config.conditioning = String(a.conditioning) as Conditioning;
  const model = new DiT(config, 0);
  const diffusion = createDiffusion({ learnSigma: config.learnSigma });
  const task = createDiTTask(model, diffusion, data);
  const topts = { seed: 0, batchSize: batch, totalSteps: steps + 1, lr: 1e-3, ema: { decay: 0.999 } };
  const tr = threads === 2 ? await DataParallelDiTTrainer.create(task, model, diffusion, topts) : new Trainer(task, topts);
  tr.trainStep();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) tr.trainStep();
  const s = (performance.now() - t0) / 1000 / steps;
  const cu = process.cpuUsage(c0);
  const cpu = (cu.user + cu.system) / 1e6 / steps;
  console.log(
    JSON.stringify({
      preset: p,
      conditioning: config.conditioning,
      batch,
      threads,
      secondsPerStep: +s.toFixed(3),
      cpuSecondsPerStep: +cpu.toFixed(3),
      stepsPerCpuHour: Math.round(3600 / cpu),
      params: params(config),
      gflops: gflops(config),
      loss: tr.lossLog.at(-1)?.loss,
    }),
  );
  tr.dispose();
  model.dispose();
  if (tf.memory().numTensors > 50) console.error('tensors left', tf.memory().numTensors);
}
