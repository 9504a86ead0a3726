/**
 * Parity with the independent PyTorch float64 reference, tests/reference/diffusion_reference.py
 * (regenerate: /usr/bin/python3 tests/reference/diffusion_reference.py). Tolerance 1e-4, relative
 * for values above 1 in magnitude (x_0 predicted at t = 1000 is amplified by sqrt(1/alpha_bar) ~ 157,
 * beyond what float32 holds to 1e-4 absolute).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { randn } from '@/lib/random';
import { betaSchedule, type ScheduleName } from '@/lib/diffusion/schedules';
import { GaussianDiffusion, type DiffusionModelFn, type ModelVarType } from '@/lib/diffusion/gaussian-diffusion';
import { classifierFreeGuidance, type CfgMode } from '@/lib/diffusion/guidance';
import { spacedDiffusion } from '@/lib/diffusion/respace';
import { spaceTimesteps, type SectionCounts } from '@/lib/diffusion/spacing';
import type { SamplerName } from '@/lib/sample/run';
import { arr, fnSamplerModel, oneStreamNoise, sampleLatents, type Shape4 } from './helpers';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const load = (name: string): Json => JSON.parse(readFileSync(`tests/reference/golden/${name}`, 'utf8'));
const processG = load('diffusion-process.json');
const lossesG = load('diffusion-losses.json');
const guidanceG = load('diffusion-guidance.json');
const samplersG = load('diffusion-samplers.json');

const TOL = 1e-4;
const worst: Record<string, { abs: number; rel: number }> = {};

/** Compare with |a - b| <= TOL * max(1, |b|), recording the largest errors per group. */
function compare(group: string, got: ArrayLike<number>, want: number[]): void {
  expect(got.length, group).toBe(want.length);
  const w = (worst[group] ??= { abs: 0, rel: 0 });
  let bad = -1;
  for (let k = 0; k < want.length; k++) {
    const e = Math.abs(got[k] - want[k]);
    w.abs = Math.max(w.abs, e);
    w.rel = Math.max(w.rel, e / Math.max(1, Math.abs(want[k])));
    if (!(e <= TOL * Math.max(1, Math.abs(want[k])))) bad = k;
  }
  expect(bad, `${group}: entry ${bad} got ${got[bad]} want ${want[bad]}`).toBe(-1);
}

const shape = processG.meta.shape as Shape4;
const t = processG.meta.t as number[];
let inp: Record<string, tf.Tensor4D>;

function diffusion(schedule: ScheduleName, modelVarType: ModelVarType = 'learned-range'): GaussianDiffusion {
  return GaussianDiffusion.fromBetas(betaSchedule(schedule, 1000), { modelVarType });
}
const outputFor = (v: ModelVarType) => (v === 'learned-range' ? inp.modelOutput : (tf.slice(inp.modelOutput, [0, 0, 0, 0], shape) as tf.Tensor4D));
const full = (x: tf.Tensor) => arr(tf.broadcastTo(x, shape));

/** The fake network of the reference's loops, in tfjs. */
function fakeModel(learned: boolean): DiffusionModelFn {
  return (x, tt, y) =>
    tf.tidy(() => {
      const n = x.shape[0];
      const c = x.shape[3];
      const tv = tf.reshape(tf.cast(tt, 'float32'), [n, 1, 1, 1]);
      const yv = tf.reshape(tf.cast(y, 'float32'), [n, 1, 1, 1]);
      const ch = tf.reshape(tf.range(1, c + 1, 1, 'float32'), [1, 1, 1, c]);
      const eps = tf.add(tf.tanh(tf.add(tf.mul(0.9, x), tf.mul(0.05, ch))), tf.add(tf.mul(0.02, yv), tf.mul(1e-4, tv))) as tf.Tensor4D;
      if (!learned) return eps;
      const v = tf.tanh(tf.add(tf.sub(tf.mul(0.3, x), tf.mul(0.1, ch)), tf.mul(5e-4, tv)));
      return tf.concat([eps, v], 3) as tf.Tensor4D;
    });
}

beforeAll(async () => {
  await setNodeBackend('wasm');
  inp = {};
  for (const [k, v] of Object.entries(processG.inputs as Record<string, number[]>)) {
    inp[k] = tf.tensor4d(v, k === 'modelOutput' ? [shape[0], shape[1], shape[2], 2 * shape[3]] : shape);
  }
});

afterAll(() => {
  tf.dispose(Object.values(inp));
  const lines = Object.entries(worst).map(([g, w]) => `${g.padEnd(44)} max abs ${w.abs.toExponential(2)}  max rel ${w.rel.toExponential(2)}`);
  console.log(`golden parity (tolerance ${TOL}, relative above 1):\n${lines.join('\n')}`);
});

describe('parity with the PyTorch reference', () => {
  for (const schedule of ['linear', 'cosine'] as const) {
    it(`q-sample, posterior-mean, posterior-variance, eps-to-x0 (${schedule})`, () => {
      const d = diffusion(schedule);
      const g = processG.outputs[schedule];
      tf.tidy(() => {
        compare('q-sample', arr(d.qSample(inp.x0, t, inp.noise)), g.qSample);
        const q = d.qPosteriorMeanVariance(inp.x0, inp.xt, t);
        compare('posterior-mean', arr(q.mean), g.posteriorMean);
        compare('posterior-variance', arr(q.variance), g.posteriorVariance);
        compare('posterior-variance (log, clipped)', arr(q.logVariance), g.posteriorLogVariance);
        compare('eps-to-x0: predictXstartFromEps', arr(d.predictXstartFromEps(inp.xt, t, inp.noise)), g.predictXstartFromEps);
        compare('eps-to-x0: predictEpsFromXstart', arr(d.predictEpsFromXstart(inp.xt, t, inp.x0)), g.predictEpsFromXstart);
      });
    });

    it(`learned-variance, eps-mean: pMeanVariance for every variance type, clipped or not (${schedule})`, () => {
      for (const v of ['learned-range', 'fixed-large', 'fixed-small'] as const) {
        for (const clip of [false, true]) {
          const want = processG.outputs[schedule][`pMeanVariance:${v}:${clip ? 'clip' : 'noclip'}`];
          tf.tidy(() => {
            const p = diffusion(schedule, v).pMeanVariance(outputFor(v), inp.xt, t, { clipDenoised: clip });
            compare('pMeanVariance mean', arr(p.mean), want.mean);
            compare('learned-variance: variance', full(p.variance), want.variance);
            compare('learned-variance: log variance', full(p.logVariance), want.logVariance);
            compare('pMeanVariance predXstart', arr(p.predXstart), want.predXstart);
          });
        }
      }
    });

    it(`l-simple, l-vlb, l-hybrid: trainingLosses (${schedule})`, () => {
      const d = diffusion(schedule);
      const g = lossesG.outputs[schedule];
      const model: DiffusionModelFn = () => tf.clone(inp.modelOutput);
      tf.tidy(() => {
        const r = d.trainingLosses(model, inp.x0, t, [0, 1, 2, 3], inp.noise);
        compare('l-simple: mse', arr(r.mse), g.mse);
        compare('l-vlb: vb (bits)', arr(r.vb!), g.vb);
        compare('l-hybrid: loss', arr(r.loss), g.loss);
      });
    });
  }

  it('ddpm-step and ddim-step: single steps for every schedule, variance type, clip and eta', () => {
    for (const s of samplersG.steps) {
      tf.tidy(() => {
        const d = diffusion(s.schedule, s.varType);
        const out = outputFor(s.varType);
        const r =
          s.sampler === 'ddpm'
            ? d.pSample(out, inp.xt, t, inp.z, { clipDenoised: s.clip })
            : d.ddimSample(out, inp.xt, t, inp.z, { clipDenoised: s.clip, eta: s.eta });
        compare(`${s.sampler}-step: sample`, arr(r.sample), s.sample);
        compare(`${s.sampler}-step: predXstart`, arr(r.predXstart), s.predXstart);
      });
    }
    expect(samplersG.steps.length).toBe(2 * (2 * 3 + 2 * 3));
  });

  it('respacing: space_timesteps lists, respaced betas and respaced steps', () => {
    for (const s of samplersG.spacings) expect(spaceTimesteps(s.numTimesteps, s.counts as SectionCounts), JSON.stringify(s.counts)).toEqual(s.steps);
    const r = samplersG.respacing;
    const d = spacedDiffusion(betaSchedule('linear', 1000), spaceTimesteps(1000, r.counts));
    expect(Array.from(d.timestepMap)).toEqual(r.timestepMap);
    compare('respacing: betas', d.c.betas, r.betas);
    tf.tidy(() => {
      const a = d.pSample(inp.modelOutput, inp.xt, r.t, inp.z);
      compare('respacing: ddpm-step sample', arr(a.sample), r.ddpmSample);
      compare('respacing: ddpm-step predXstart', arr(a.predXstart), r.predXstart);
      compare('respacing: ddim-step sample', arr(d.ddimSample(inp.modelOutput, inp.xt, r.t, inp.z, { eta: 0.3 }).sample), r['ddimEta0.3Sample']);
    });
  });

  it('cfg: guided outputs for scales 0, 1, 1.5, 4 in both modes', () => {
    const g = guidanceG;
    const gs = g.meta.shape as Shape4;
    const wide: Shape4 = [gs[0], gs[1], gs[2], 8];
    tf.tidy(() => {
      const cond = tf.tensor4d(g.cond, wide);
      const uncond = tf.tensor4d(g.uncond, wide);
      // a network that answers the stored outputs: cond for the real labels, uncond for the null class
      const model: DiffusionModelFn = (x, tt, y) => {
        const isNull = arr(y).map((v) => v === g.numClasses);
        expect(isNull).toEqual([false, false, false, true, true, true]);
        return tf.concat([cond, uncond], 0) as tf.Tensor4D;
      };
      const x = tf.tensor4d(g.x, gs);
      const tt = tf.tensor1d(g.t, 'int32');
      const y = tf.tensor1d(g.labels, 'int32');
      for (const c of g.cases) {
        const out = classifierFreeGuidance(model, { scale: c.scale, mode: c.mode as CfgMode, numClasses: g.numClasses })(x, tt, y);
        compare('cfg', arr(out), c.out);
      }
    });
  });

  it('randn: the reference copy of lib/random.ts draws the same numbers', () => {
    compare('randn stream', randn(16, samplersG.randn.seed), samplersG.randn.values);
  });

  it('ddpm-step, ddim-step, cfg, respacing: whole sampling loops with a fake network and seeded noise', async () => {
    const L = samplersG.loops;
    for (const run of L.runs) {
      const learned = run.var_type === 'learned-range';
      // The sampling road (lib/sample/run.ts) with the reference's noise order: one stream for the batch.
      const model = fnSamplerModel(fakeModel(learned), betaSchedule('linear', 1000), L.shape, { numClasses: L.numClasses, learnSigma: learned });
      const { sample } = await sampleLatents(model, {
        sampler: run.sampler as SamplerName,
        eta: run.eta,
        steps: run.steps as SectionCounts,
        labels: run.labels,
        seeds: run.labels.map(() => run.seed),
        noise: oneStreamNoise(run.seed, L.shape[0]),
        guidanceScale: run.cfg_scale,
        cfgChannels: run.cfg_mode as CfgMode,
        clipDenoised: run.clip,
      });
      compare(`sampleLoop ${run.sampler} K=${JSON.stringify(run.steps)} s=${run.cfg_scale}`, arr(sample), run.sample);
      sample.dispose();
    }
  });
});
