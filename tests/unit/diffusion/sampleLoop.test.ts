import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { useNodeBackend } from '@/lib/node-backend';
import { randn } from '@/lib/random';
import { betaSchedule } from '@/lib/diffusion/schedules';
import { GaussianDiffusion, type DiffusionModelFn } from '@/lib/diffusion/gaussianDiffusion';
import { sampleLoop, SamplingRun, type SampleStepInfo } from '@/lib/diffusion/sampleLoop';
import { arr, expectClose, type Shape4 } from './helpers';

const betas = betaSchedule('linear', 1000);
const abar: number[] = [];
betas.reduce((p, b) => (abar.push(p * (1 - b)), p * (1 - b)), 1);
const shape: Shape4 = [2, 2, 2, 4];
const size = 32;
const x0Values = Float32Array.from({ length: size }, (_, k) => Math.sin(k + 1) * 0.8);

/**
 * The oracle for a dataset of one point x_0: the exact eps that produced x_t at the ORIGINAL
 * timestep t, eps = (x_t - sqrt(abar_t) x_0) / sqrt(1 - abar_t), with v = 0.
 */
const oracle: DiffusionModelFn = (x, t) =>
  tf.tidy(() => {
    const ts = Array.from(t.dataSync());
    const a = tf.tensor4d(ts.map((i) => Math.sqrt(abar[i])), [ts.length, 1, 1, 1]);
    const b = tf.tensor4d(ts.map((i) => Math.sqrt(1 - abar[i])), [ts.length, 1, 1, 1]);
    const x0 = tf.tensor4d(x0Values, shape);
    const eps = tf.div(tf.sub(x, tf.mul(a, x0)), b);
    return tf.concat([eps, tf.zerosLike(eps)], 3) as tf.Tensor4D;
  });

/** A smooth fake network, for determinism and bookkeeping tests. */
const fake: DiffusionModelFn = (x, t, y) =>
  tf.tidy(() => {
    const n = x.shape[0];
    const s = tf.reshape(tf.add(tf.mul(tf.cast(t, 'float32'), 1e-3), tf.mul(tf.cast(y, 'float32'), 0.01)), [n, 1, 1, 1]);
    return tf.concat([tf.tanh(tf.add(x, s)), tf.tanh(tf.mul(x, 0.2))], 3) as tf.Tensor4D;
  });

let d: GaussianDiffusion;
beforeAll(async () => {
  await useNodeBackend('wasm');
  d = GaussianDiffusion.fromBetas(betas);
});

describe('sampling loop', () => {
  for (const sampler of ['ddpm', 'ddim'] as const) {
    it(`${sampler}-step: an oracle model for one known x_0 recovers x_0 (25 respaced steps)`, async () => {
      const { sample, stepsRun, cancelled } = await sampleLoop(d, oracle, shape, {
        sampler,
        eta: sampler === 'ddim' ? 0.5 : 0,
        steps: 25,
        labels: [0, 1],
        numClasses: 10,
        seed: 7,
      });
      expect(stepsRun).toBe(25);
      expect(cancelled).toBe(false);
      expectClose(arr(sample), x0Values, 2e-3);
      sample.dispose();
    });
  }

  it('ddpm-step: deterministic given the seed, different for another seed; xT replaces the first draws', async () => {
    const opts = { steps: 10, labels: [1, 2], numClasses: 10, seed: 3 } as const;
    const a = await sampleLoop(d, fake, shape, opts);
    const b = await sampleLoop(d, fake, shape, opts);
    const c = await sampleLoop(d, fake, shape, { ...opts, seed: 4 });
    expectClose(arr(a.sample), arr(b.sample), 0);
    expect(Math.max(...arr(a.sample).map((v, k) => Math.abs(v - arr(c.sample)[k])))).toBeGreaterThan(1e-2);
    // the stream draws x_T first, so passing those same values as xT and using the same seed is
    // NOT the same run (the step noise then starts at the stream's beginning); DDIM eta = 0 has no
    // step noise, so there xT from randn(seed) equals drawing it.
    const ddim = { ...opts, sampler: 'ddim' as const, eta: 0 };
    const e = await sampleLoop(d, fake, shape, ddim);
    const f = await sampleLoop(d, fake, shape, { ...ddim, seed: 99, xT: randn(size, 3) });
    expectClose(arr(e.sample), arr(f.sample), 0);
    tf.dispose([a.sample, b.sample, c.sample, e.sample, f.sample]);
  });

  it('ddim-step: eta = 0 makes the whole loop independent of the seed once x_T is fixed', async () => {
    const xT = randn(size, 11);
    const opts = { sampler: 'ddim' as const, steps: 8, labels: [3, 4], numClasses: 10, xT };
    const a = await sampleLoop(d, fake, shape, { ...opts, seed: 1 });
    const b = await sampleLoop(d, fake, shape, { ...opts, seed: 2 });
    expectClose(arr(a.sample), arr(b.sample), 0);
    tf.dispose([a.sample, b.sample]);
  });

  it('respacing: onStep sees each step with its original timesteps, and returning false cancels', async () => {
    const seen: Array<Pick<SampleStepInfo, 'i' | 't' | 'tPrev' | 'total'>> = [];
    const res = await sampleLoop(d, fake, shape, {
      steps: 'ddim10',
      labels: [0, 0],
      numClasses: 10,
      onStep: async (info) => {
        expect(info.xt.shape).toEqual(shape);
        expect(info.predX0.shape).toEqual(shape);
        await info.xt.data();
        seen.push({ i: info.i, t: info.t, tPrev: info.tPrev, total: info.total });
        return info.i < 3;
      },
    });
    expect(res.cancelled).toBe(true);
    expect(res.stepsRun).toBe(4);
    expect(seen).toEqual([
      { i: 0, t: 900, tPrev: 800, total: 10 },
      { i: 1, t: 800, tPrev: 700, total: 10 },
      { i: 2, t: 700, tPrev: 600, total: 10 },
      { i: 3, t: 600, tPrev: 500, total: 10 },
    ]);
    res.sample.dispose();
  });

  it('cfg: a guidance scale doubles the network batch with the null class; scale 1 does not', async () => {
    const batches: number[][] = [];
    const spy: DiffusionModelFn = (x, t, y) => {
      batches.push(arr(y));
      return fake(x, t, y);
    };
    const a = await sampleLoop(d, spy, shape, { steps: 2, labels: [1, 2], numClasses: 10, cfgScale: 4, cfgMode: 'first3' });
    expect(batches).toEqual([[1, 2, 10, 10], [1, 2, 10, 10]]);
    batches.length = 0;
    const b = await sampleLoop(d, spy, shape, { steps: 2, labels: [1, 2], numClasses: 10 });
    expect(batches).toEqual([[1, 2], [1, 2]]);
    tf.dispose([a.sample, b.sample]);
  });

  it('leak: sampleLoop (finished and cancelled, DDPM, DDIM, CFG) and SamplingRun', async () => {
    const before = tf.memory().numTensors;
    const runs = [
      { steps: 5, labels: [0, 1], numClasses: 10 },
      { steps: 5, labels: [0, 1], numClasses: 10, sampler: 'ddim' as const, eta: 1, cfgScale: 2 },
      { steps: 5, labels: [0, 1], numClasses: 10, onStep: () => false },
    ];
    for (const o of runs) (await sampleLoop(d, fake, shape, o)).sample.dispose();
    const run = new SamplingRun(d, fake, shape, { steps: 3, labels: [0, 1], numClasses: 10 });
    run.step();
    run.dispose();
    const run2 = new SamplingRun(d, fake, shape, { steps: 3, labels: [0, 1], numClasses: 10 });
    while (!run2.done) run2.step();
    expect(() => run2.step()).toThrow(/finished/);
    run2.takeSample().dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
