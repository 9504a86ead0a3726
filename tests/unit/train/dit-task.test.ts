/**
 * The DiT recipe on the generic loop: a tiny DiT learns to denoise a toy latent set in seconds, a
 * checkpoint + resume reproduces an uninterrupted run exactly (weights, EMA, AdamW moments), the
 * recipe's random draws all come from the training RNG, and nothing leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { DiT } from '@/lib/dit/model';
import { createDiffusion } from '@/lib/diffusion/respace';
import { createDiTTask, type LatentDataset } from '@/lib/train/dit-task';
import { Trainer, type TrainOptions } from '@/lib/train/loop';
import { TrainRng } from '@/lib/train/rng';
import { microConfig } from '../dit/fixed-weights';

const config = microConfig();

/** 48 latents: one fixed pattern per class plus a little posterior noise. */
function toyLatents(): LatentDataset {
  const count = 48;
  const per = 4 * 4 * 4;
  const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
  const mean = new Float32Array(count * per);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < per; k++) mean[i * per + k] = Math.sin((k + 1) * (labels[i] + 1) * 0.7);
  }
  return { count, size: 4, channels: 4, labels, mean, std: new Float32Array(count * per).fill(0.05) };
}

const opts = (steps: number): TrainOptions => ({ seed: 3, batchSize: 16, totalSteps: steps, lr: 3e-3, ema: { decay: 0.99 } });

function snapshot(tr: Trainer<unknown>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(tr.task.params)) out[`param/${k}`] = v.dataSync() as Float32Array;
  for (const [k, v] of tr.ema?.shadow ?? []) out[`ema/${k}`] = v.dataSync() as Float32Array;
  for (const [k, v] of tr.adam.m) out[`m/${k}`] = v.dataSync() as Float32Array;
  return out;
}

beforeAll(async () => {
  await setNodeBackend('wasm');
});

describe('DiT training task', () => {
  const data = toyLatents();

  it('l-hybrid: the loop lowers the loss of a tiny DiT in seconds', () => {
    const model = new DiT(config, 0);
    const task = createDiTTask(model, createDiffusion({}), data);
    const tr = new Trainer(task, opts(120));
    // A fixed evaluation batch: the same latents, timesteps, dropout and noise before and after.
    const evalBatch = task.makeBatch(Int32Array.from({ length: 48 }, (_, i) => i));
    const evalLoss = () =>
      tf.tidy(() => {
        const r = task.loss(evalBatch, new TrainRng(99));
        return [r.loss.dataSync()[0], r.metrics!.mse.dataSync()[0]];
      });
    const [before, mseBefore] = evalLoss();
    // adaLN-Zero starts as the identity with a zero output layer: eps_theta = 0, so mse = E[eps^2] ~ 1.
    expect(mseBefore).toBeGreaterThan(0.8);
    expect(mseBefore).toBeLessThan(1.2);
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 120; i++) tr.trainStep();
    expect(tf.memory().numTensors).toBe(n0); // a step (task loss, gradients, AdamW, EMA) leaks nothing
    const [after, mseAfter] = evalLoss();
    expect(mseAfter).toBeLessThan(0.6 * mseBefore);
    expect(after).toBeLessThan(before);
    expect(tr.lossLog).toHaveLength(120);
    expect(tr.lossLog[0]).toHaveProperty('vb');
    tr.dispose();
    model.dispose();
  }, 300_000); // 120 steps: seconds on a quiet machine, over a minute when training shares the CPU

  it('checkpoint + resume gives the same weights, EMA and moments as an uninterrupted run', () => {
    const run = (split: number | null): Record<string, Float32Array> => {
      const m1 = new DiT(config, 0);
      const t1 = new Trainer(createDiTTask(m1, createDiffusion({}), data), opts(8));
      if (split === null) {
        for (let i = 0; i < 8; i++) t1.trainStep();
        const s = snapshot(t1);
        t1.dispose();
        m1.dispose();
        return s;
      }
      for (let i = 0; i < split; i++) t1.trainStep();
      const bytes = t1.checkpoint();
      t1.dispose();
      m1.dispose();
      // A fresh process would start from a differently seeded model: the checkpoint must overwrite it all.
      const m2 = new DiT(config, 7);
      const t2 = new Trainer(createDiTTask(m2, createDiffusion({}), data), opts(8));
      t2.restore(bytes);
      expect(t2.step).toBe(split);
      for (let i = split; i < 8; i++) t2.trainStep();
      const s = snapshot(t2);
      t2.dispose();
      m2.dispose();
      return s;
    };
    const a = run(null);
    const b = run(3);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) expect(Array.from(b[k]), k).toEqual(Array.from(a[k]));
  });

  it('all randomness comes from the training RNG: same RNG state, same loss', () => {
    const model = new DiT(config, 0);
    const task = createDiTTask(model, createDiffusion({}), data);
    const batch = task.makeBatch(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
    const lossWith = (seed: number) => tf.tidy(() => task.loss(batch, new TrainRng(seed)).loss.dataSync()[0]);
    const n0 = tf.memory().numTensors;
    expect(lossWith(5)).toBe(lossWith(5));
    expect(tf.memory().numTensors).toBe(n0);
    expect(lossWith(5)).not.toBe(lossWith(6));
    model.dispose();
  });

  it("latentMode 'mean' trains on the posterior mean; 'posterior' needs the std", () => {
    const model = new DiT(config, 0);
    const d = createDiffusion({});
    const noStd = { ...data, std: null };
    expect(() => createDiTTask(model, d, noStd)).toThrow(/posterior std/);
    const task = createDiTTask(model, d, noStd, { latentMode: 'mean' });
    const b = task.makeBatch(Int32Array.from([1, 2]));
    expect(b.std).toBeNull();
    expect(Array.from(b.mean.subarray(0, 64))).toEqual(Array.from(data.mean.subarray(64, 128)));
    expect(() => createDiTTask(model, createDiffusion({ learnSigma: false }), data)).toThrow(/learnSigma/);
    expect(() => createDiTTask(model, d, { ...data, size: 8 })).toThrow();
    model.dispose();
  });
});

describe('micro-batches', () => {
  const data = toyLatents();
  const run = (microBatch: number | undefined) => {
    // three steps of batch 16
    const model = new DiT(config, 0);
    // maxGradNorm far above any real norm: no clipping, but each step logs its gradient's norm, which
    // AdamW's scale invariance would otherwise hide from a comparison of the weights.
    const tr = new Trainer(createDiTTask(model, createDiffusion({}), data), { ...opts(3), microBatch, maxGradNorm: 1e9 });
    const logs = [tr.trainStep(), tr.trainStep()];
    const before = tf.memory().numTensors;
    logs.push(tr.trainStep());
    const losses = logs.flatMap((l) => [l.loss, l.gradNorm, l.mse]);
    const leaked = tf.memory().numTensors - before;
    const snap = snapshot(tr);
    tr.dispose();
    model.dispose();
    return { losses, snap, leaked };
  };

  it("slices of 16 = 5 + 5 + 5 + 1 give the whole batch's steps (weights, EMA, moments) and leak nothing", () => {
    const whole = run(undefined);
    const sliced = run(5);
    expect(sliced.leaked).toBe(0);
    for (let i = 0; i < whole.losses.length; i++) expect(sliced.losses[i]).toBeCloseTo(whole.losses[i], 5);
    // Absolute: AdamW's first steps move a weight by about lr * sign(g), so a weight whose gradient is
    // near zero differs by float rounding in how the slices are summed, not by a wrong gradient.
    let worst = 0;
    for (const [k, a] of Object.entries(whole.snap)) {
      const b = sliced.snap[k];
      for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
    }
    expect(worst).toBeLessThan(1e-5);
  });
});
