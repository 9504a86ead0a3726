import { describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { betaSchedule } from '@/lib/diffusion/schedules';
import { GaussianDiffusion, type DiffusionModelFn } from '@/lib/diffusion/gaussian-diffusion';
import { createDiffusion, respace, spacedDiffusion } from '@/lib/diffusion/respace';
import { respacedBetas, spaceTimesteps } from '@/lib/diffusion/spacing';
import { arr, expectClose, expectNoLeak, onWasmBackend, randTensor, type Shape4 } from './helpers';

const betas = betaSchedule('linear', 1000);
const range = (n: number, step = 1) => Array.from({ length: n }, (_, k) => k * step);

onWasmBackend();

describe('respacing', () => {
  it('respacing: spaceTimesteps keeps all steps for K = T, evenly spread ends for K < T', () => {
    expect(spaceTimesteps(1000, 1000)).toEqual(range(1000));
    const s250 = spaceTimesteps(1000, 250);
    expect(s250.length).toBe(250);
    expect(s250[0]).toBe(0);
    expect(s250[249]).toBe(999);
    expect(spaceTimesteps(1000, '250')).toEqual(s250);
    expect(spaceTimesteps(10, 4)).toEqual([0, 3, 6, 9]);
    expect(spaceTimesteps(1000, 1)).toEqual([0]);
  });

  it("respacing: rounds halves to even like Python's round (official code)", () => {
    // stride 2.5 over 6 steps: 0, 2.5 -> 2 (Python; Math.round would give 3), 5
    expect(spaceTimesteps(6, 3)).toEqual([0, 2, 5]);
    // stride 1.5: 0, 1.5 -> 2, 3
    expect(spaceTimesteps(4, 3)).toEqual([0, 2, 3]);
  });

  it('respacing: sections and the DDIM stride', () => {
    // 300 steps in sections of 100 keeping 10, 15 and 20 steps (the official docstring's example)
    const s = spaceTimesteps(300, [10, 15, 20]);
    expect(s.length).toBe(45);
    expect(s.filter((v) => v < 100).length).toBe(10);
    expect(s.filter((v) => v >= 100 && v < 200).length).toBe(15);
    expect(s.filter((v) => v >= 200).length).toBe(20);
    expect([s[0], s[9], s[10], s[24], s[25], s[44]]).toEqual([0, 99, 100, 199, 200, 299]);
    expect(spaceTimesteps(300, '10,15,20')).toEqual(s);
    expect(spaceTimesteps(1000, 'ddim50')).toEqual(range(50, 20));
    expect(spaceTimesteps(1000, 'ddim1000')).toEqual(range(1000));
    expect(() => spaceTimesteps(10, 11)).toThrow(/divide/);
    expect(() => spaceTimesteps(1000, 'ddim999')).toThrow(/stride/);
  });

  it('respacing: the respaced alpha_bar equals the original at the kept steps', () => {
    const keep = spaceTimesteps(1000, 25);
    const sd = spacedDiffusion(betas, keep);
    const base = GaussianDiffusion.fromBetas(betas);
    expect(Array.from(sd.timestepMap)).toEqual(keep);
    keep.forEach((s, k) => expect(sd.c.alphasCumprod[k] / base.c.alphasCumprod[s]).toBeCloseTo(1, 12));
    // the first kept step is 0, so the first respaced beta is the original beta_1
    expect(sd.c.betas[0]).toBeCloseTo(betas[0], 15);
    expect(sd.originalNumTimesteps).toBe(1000);
  });

  it('respacing: K = T is the original process', () => {
    const { betas: b, timestepMap } = respacedBetas(betas, range(1000));
    expect(Array.from(timestepMap)).toEqual(range(1000));
    let m = 0;
    b.forEach((v, i) => (m = Math.max(m, Math.abs(v - betas[i]) / betas[i])));
    expect(m).toBeLessThan(1e-10);
    const d0 = GaussianDiffusion.fromBetas(betas);
    const d1 = createDiffusion({});
    const shape: Shape4 = [3, 2, 2, 4];
    const xt = randTensor(shape, 1);
    const out = tf.concat([randTensor(shape, 2), randTensor(shape, 3, 0.5)], 3) as tf.Tensor4D;
    const z = randTensor(shape, 4);
    const a = d0.pSample(out, xt, [0, 500, 999], z);
    const c = d1.pSample(out, xt, [0, 500, 999], z);
    expectClose(arr(a.sample), arr(c.sample), 1e-5);
    tf.dispose([xt, out, z, a, c]);
  });

  it('respacing: the model is called with the original timesteps (callModel and wrapModel)', () => {
    const sd = respace(GaussianDiffusion.fromBetas(betas), 'ddim10');
    let seen: number[] = [];
    const model: DiffusionModelFn = (x, t) => {
      seen = arr(t);
      return tf.clone(x);
    };
    const x = randTensor([3, 1, 1, 4], 5);
    tf.dispose(sd.callModel(model, x, [0, 4, 9], [1, 2, 3]));
    expect(seen).toEqual([0, 400, 900]);
    const idx = tf.tensor1d([9, 1, 0], 'int32');
    const y = tf.tensor1d([0, 0, 0], 'int32');
    tf.dispose(sd.wrapModel(model)(x, idx, y));
    expect(seen).toEqual([900, 100, 0]);
    expect(sd.modelTimesteps([2])).toEqual(Int32Array.from([200]));
    tf.dispose([x, idx, y]);
  });

  it('respacing: createDiffusion options (learnSigma, sigmaSmall, schedule, steps)', () => {
    expect(createDiffusion({}).modelVarType).toBe('learned-range');
    expect(createDiffusion({ learnSigma: false }).modelVarType).toBe('fixed-large');
    expect(createDiffusion({ learnSigma: false, sigmaSmall: true }).modelVarType).toBe('fixed-small');
    const d = createDiffusion({ timestepRespacing: 250, noiseSchedule: 'cosine' });
    expect(d.numTimesteps).toBe(250);
    expect(d.timestepMap[249]).toBe(999);
    expect(() => respace(d, 10)).toThrow(/already respaced/);
  });

  it('leak: callModel and wrapModel', async () => {
    const sd = respace(GaussianDiffusion.fromBetas(betas), 10);
    const model: DiffusionModelFn = (x) => tf.mul(x, 2) as tf.Tensor4D;
    const x = randTensor([2, 1, 1, 4], 6);
    await expectNoLeak(() => sd.callModel(model, x, [0, 9], [1, 2]));
    const t = tf.tensor1d([3, 4], 'int32');
    await expectNoLeak(() => sd.wrapModel(model)(x, t, t));
    tf.dispose([x, t]);
  });
});
