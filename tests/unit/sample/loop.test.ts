import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { randn } from '@/lib/random';
import { perSampleNoise } from '@/lib/sample/run';
import { betaSchedule } from '@/lib/diffusion/schedules';
import type { DiffusionModelFn } from '@/lib/diffusion/gaussian-diffusion';
import { SamplingRun, type LatentStep, type SamplerModel } from '@/lib/sample/run';
import { arr, expectClose, fnSamplerModel, oracleModel, sampleLatents, type Shape4, testSpec } from '../diffusion/helpers';

const betas = betaSchedule('linear', 1000);
const shape: Shape4 = [2, 2, 2, 4];
const size = 32;
const x0Values = Float32Array.from({ length: size }, (_, k) => Math.sin(k + 1) * 0.8);

/** The oracle for a data set of one point x_0 (v = 0). */
const oracle = oracleModel(x0Values, shape, betas, true);

/** A smooth fake network, for determinism and bookkeeping tests. */
const fake: DiffusionModelFn = (x, t, y) =>
  tf.tidy(() => {
    const n = x.shape[0];
    const s = tf.reshape(tf.add(tf.mul(tf.cast(t, 'float32'), 1e-3), tf.mul(tf.cast(y, 'float32'), 0.01)), [n, 1, 1, 1]);
    return tf.concat([tf.tanh(tf.add(x, s)), tf.tanh(tf.mul(x, 0.2))], 3) as tf.Tensor4D;
  });

beforeAll(async () => {
  await setNodeBackend('wasm');
});

const model = (fn: DiffusionModelFn): SamplerModel => fnSamplerModel(fn, betas, shape);
const spec = testSpec;
/** x_T given outright (one draw of every value), then the seeds' streams for the step noise. */
const givenXT = (xT: Float32Array, seeds: number[]) => {
  let first = true;
  const rest = perSampleNoise(seeds);
  return { draw: (per: number) => (first ? ((first = false), xT) : rest.draw(per)) };
};

describe('sampling road: the loop', () => {
  for (const sampler of ['ddpm', 'ddim'] as const) {
    it(`${sampler}-step: an oracle model for one known x_0 recovers x_0 (25 respaced steps)`, async () => {
      const { sample, stepsRun, cancelled } = await sampleLatents(
        model(oracle),
        spec({
          sampler,
          eta: sampler === 'ddim' ? 0.5 : 0,
          steps: 25,
          seeds: [7, 8],
        }),
      );
      expect(stepsRun).toBe(25);
      expect(cancelled).toBe(false);
      expectClose(arr(sample), x0Values, 2e-3);
      sample.dispose();
    });
  }

  it('ddpm-step: deterministic given the seeds, different for other seeds; a given x_T replaces the first draws', async () => {
    const opts = spec({ steps: 10, labels: [1, 2], seeds: [3, 3] });
    const a = await sampleLatents(model(fake), opts);
    const b = await sampleLatents(model(fake), opts);
    const c = await sampleLatents(model(fake), { ...opts, seeds: [4, 4] });
    expectClose(arr(a.sample), arr(b.sample), 0);
    expect(Math.max(...arr(a.sample).map((v, k) => Math.abs(v - arr(c.sample)[k])))).toBeGreaterThan(1e-2);
    // Each sample's stream draws x_T first; DDIM eta = 0 has no step noise, so there an x_T given
    // outright (each sample's first draws of randn(seed)) equals drawing it.
    const per = size / 2;
    const xT = Float32Array.from([...randn(per, 3), ...randn(per, 3)]);
    const ddim = { ...opts, sampler: 'ddim' as const, eta: 0 };
    const e = await sampleLatents(model(fake), ddim);
    const f = await sampleLatents(model(fake), { ...ddim, seeds: [99, 99], noise: givenXT(xT, [99, 99]) });
    expectClose(arr(e.sample), arr(f.sample), 0);
    tf.dispose([a.sample, b.sample, c.sample, e.sample, f.sample]);
  });

  it('ddim-step: eta = 0 makes the whole loop independent of the seed once x_T is fixed', async () => {
    const xT = randn(size, 11);
    const opts = spec({ sampler: 'ddim', steps: 8, labels: [3, 4] });
    const a = await sampleLatents(model(fake), { ...opts, noise: givenXT(xT, [1, 2]) });
    const b = await sampleLatents(model(fake), { ...opts, noise: givenXT(xT, [5, 6]) });
    expectClose(arr(a.sample), arr(b.sample), 0);
    tf.dispose([a.sample, b.sample]);
  });

  it('respacing: onStep sees each step with its original timesteps, and returning false cancels', async () => {
    const seen: Array<Pick<LatentStep, 'i' | 't' | 'tPrev' | 'total'>> = [];
    const res = await sampleLatents(model(fake), spec({ steps: 'ddim10', labels: [0, 0] }), async (info) => {
      expect(info.xt.shape).toEqual(shape);
      expect(info.predX0.shape).toEqual(shape);
      await info.xt.data();
      seen.push({ i: info.i, t: info.t, tPrev: info.tPrev, total: info.total });
      return info.i < 3;
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
    const a = await sampleLatents(model(spy), spec({ steps: 2, labels: [1, 2], guidanceScale: 4, cfgChannels: 'first3' }));
    expect(batches).toEqual([
      [1, 2, 10, 10],
      [1, 2, 10, 10],
    ]);
    batches.length = 0;
    const b = await sampleLatents(model(spy), spec({ steps: 2, labels: [1, 2] }));
    expect(batches).toEqual([
      [1, 2],
      [1, 2],
    ]);
    tf.dispose([a.sample, b.sample]);
  });

  it('leak: whole runs (finished and cancelled, DDPM, DDIM, CFG) and SamplingRun', async () => {
    const before = tf.memory().numTensors;
    (await sampleLatents(model(fake), spec({ steps: 5 }))).sample.dispose();
    (await sampleLatents(model(fake), spec({ steps: 5, sampler: 'ddim', eta: 1, guidanceScale: 2 }))).sample.dispose();
    (await sampleLatents(model(fake), spec({ steps: 5 }), () => false)).sample.dispose();
    const run = new SamplingRun(model(fake), spec({ steps: 3 }));
    run.advance();
    run.dispose();
    const run2 = new SamplingRun(model(fake), spec({ steps: 3 }));
    while (!run2.done) run2.advance();
    expect(() => run2.advance()).toThrow(/finished/);
    run2.takeSample().dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
