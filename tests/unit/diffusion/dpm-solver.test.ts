/**
 * DPM-Solver++(2M) (Eq. dpm-solver-2m, lib/diffusion/gaussian-diffusion.ts dpmSolver2MStep) on the
 * sampling road: against the independent numpy reference (tests/reference/dpm_solver_reference.py,
 * written from the paper's Algorithm 2), and exact for an oracle network on one known x_0.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tf } from '@/lib/tf';
import { betaSchedule } from '@/lib/diffusion/schedules';
import type { DiffusionModelFn } from '@/lib/diffusion/gaussian-diffusion';
import { SamplingRun, type SamplingSpec } from '@/lib/sample/run';
import { arr, expectClose, fnSamplerModel, onWasmBackend, oracleModel, sampleLatents, type Shape4, testSpec } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const golden: any = JSON.parse(readFileSync('tests/reference/golden/dpm-solver.json', 'utf8'));
const betas = betaSchedule('linear', 1000);

onWasmBackend();

/** The reference's network: eps = tanh(0.9 x + 0.05 c) + 0.02 y + 1e-4 t (c the channel, 1-based). */
const fakeEps: DiffusionModelFn = (x, t, y) =>
  tf.tidy(() => {
    const [n, , , c] = x.shape;
    const ch = tf.reshape(tf.range(1, c + 1, 1, 'float32'), [1, 1, 1, c]);
    const tv = tf.reshape(tf.cast(t, 'float32'), [n, 1, 1, 1]);
    const yv = tf.reshape(tf.cast(y, 'float32'), [n, 1, 1, 1]);
    return tf.add(tf.tanh(tf.add(tf.mul(0.9, x), tf.mul(0.05, ch))), tf.add(tf.mul(0.02, yv), tf.mul(1e-4, tv))) as tf.Tensor4D;
  });

/** x_T given outright, no other draws (DPM-Solver++ is deterministic). */
const givenXT = (xT: Float32Array) => ({ draw: () => xT });

const spec = (o: Partial<SamplingSpec>) => testSpec({ sampler: 'dpm++2m', ...o });

describe('DPM-Solver++(2M)', () => {
  for (const run of golden.runs as { steps: number; sample: number[] }[]) {
    it(`dpm-solver-2m: ${run.steps} steps match the numpy reference (relative 1e-4)`, async () => {
      const shape = golden.shape as Shape4;
      const model = fnSamplerModel(fakeEps, betas, shape, { learnSigma: false });
      const { sample } = await sampleLatents(model, spec({ labels: golden.labels, steps: run.steps, noise: givenXT(Float32Array.from(golden.xT)) }));
      const got = arr(sample);
      sample.dispose();
      expect(got.length).toBe(run.sample.length);
      let worst = 0;
      got.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - run.sample[k]) / Math.max(1, Math.abs(run.sample[k])))));
      expect(worst).toBeLessThan(1e-4);
    });
  }

  it('dpm-solver-2m: an oracle network for one known x_0 lands on it exactly in 5 steps', async () => {
    const shape: Shape4 = [2, 2, 2, 4];
    const x0 = Float32Array.from({ length: 32 }, (_, k) => Math.sin(k + 1) * 0.8);
    const oracle = oracleModel(x0, shape, betas, false);
    const { sample } = await sampleLatents(fnSamplerModel(oracle, betas, shape, { learnSigma: false }), spec({ steps: 5, seeds: [3, 4] }));
    expectClose(arr(sample), x0, 1e-3);
    sample.dispose();
  });

  it('dpm-solver-2m: its first step, without a previous prediction, is the DDIM step (eta = 0)', () => {
    const shape = golden.shape as Shape4;
    const model = fnSamplerModel(fakeEps, betas, shape, { learnSigma: false });
    const first = (sampler: 'ddim' | 'dpm++2m') => {
      const run = new SamplingRun(model, spec({ labels: golden.labels, steps: 10, sampler, noise: givenXT(Float32Array.from(golden.xT)) }));
      const out = arr(run.advance().xt);
      run.dispose();
      return out;
    };
    const ddim = first('ddim');
    const dpm = first('dpm++2m');
    dpm.forEach((v, k) => expect(Math.abs(v - ddim[k])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(ddim[k]))));
  });

  it('draws no noise and leaves no tensor behind', async () => {
    const shape: Shape4 = [2, 3, 3, 4];
    let draws = 0;
    const noise = { draw: (per: number) => (draws++, new Float32Array(2 * per).fill(0.5)) };
    const before = tf.memory().numTensors;
    const { sample } = await sampleLatents(fnSamplerModel(fakeEps, betas, shape, { learnSigma: false }), spec({ steps: 7, noise }));
    sample.dispose();
    expect(draws).toBe(1); // x_T only
    expect(tf.memory().numTensors).toBe(before);
  });
});
