import { describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { betaSchedule } from '@/lib/diffusion/schedules';
import { GaussianDiffusion } from '@/lib/diffusion/gaussian-diffusion';
import { arr, expectClose, expectNoLeak, onWasmBackend, randTensor, type Shape4 } from './helpers';

// The closed forms below are written from the paper's equations (dit-facts.md) with alpha_bar built
// here from the betas, not read from the diffusion's own constant arrays.
const T = 1000;
const betas = betaSchedule('linear', T);
const abar: number[] = [];
betas.reduce((p, b) => (abar.push(p * (1 - b)), p * (1 - b)), 1);
const abarPrev = (i: number) => (i === 0 ? 1 : abar[i - 1]);
const postVar = (i: number) => ((1 - abarPrev(i)) / (1 - abar[i])) * betas[i];

const shape: Shape4 = [4, 2, 2, 4];
const per = 16; // H * W * C
const ts = [0, 1, 499, 999];
const at = (k: number) => ts[Math.floor(k / per)];

const d = GaussianDiffusion.fromBetas(betas);
onWasmBackend();

describe('forward process', () => {
  it('q-sample: noise 0 gives sqrt(alpha_bar_t) x_0, x_0 = 0 gives sqrt(1 - alpha_bar_t) eps', () => {
    const x0 = randTensor(shape, 1);
    const eps = randTensor(shape, 2);
    const zero = tf.zerosLike(x0);
    const a = arr(d.qSample(x0, ts, zero));
    const b = arr(d.qSample(zero, ts, eps));
    const x0v = arr(x0);
    const ev = arr(eps);
    expectClose(
      a,
      x0v.map((v, k) => Math.sqrt(abar[at(k)]) * v),
      1e-6,
    );
    expectClose(
      b,
      ev.map((v, k) => Math.sqrt(1 - abar[at(k)]) * v),
      1e-6,
    );
    const full = arr(d.qSample(x0, ts, eps));
    expectClose(
      full,
      x0v.map((v, k) => Math.sqrt(abar[at(k)]) * v + Math.sqrt(1 - abar[at(k)]) * ev[k]),
      1e-6,
    );
    tf.dispose([x0, eps, zero]);
  });

  it('q-sample: the sample variance at t = 500 is 1 - alpha_bar_500 around sqrt(alpha_bar) x_0', () => {
    const n: Shape4 = [1, 64, 64, 4];
    const x0 = tf.fill(n, 0.7) as tf.Tensor4D;
    const eps = randTensor(n, 3);
    const xt = arr(d.qSample(x0, [499], eps));
    const mean = xt.reduce((a, b) => a + b, 0) / xt.length;
    const variance = xt.reduce((a, b) => a + (b - mean) ** 2, 0) / xt.length;
    expect(mean).toBeCloseTo(Math.sqrt(abar[499]) * 0.7, 1);
    expect(variance / (1 - abar[499])).toBeCloseTo(1, 1);
    tf.dispose([x0, eps]);
  });

  it('posterior-mean: at t = 1 the posterior mean is x_0 and the variance 0 (log clipped to beta~_2)', () => {
    const x0 = randTensor([1, 2, 2, 4], 4);
    const xt = randTensor([1, 2, 2, 4], 5);
    const q = d.qPosteriorMeanVariance(x0, xt, [0]);
    expectClose(arr(q.mean), arr(x0), 1e-6);
    expect(arr(q.variance)[0]).toBe(0);
    expect(arr(q.logVariance)[0]).toBeCloseTo(Math.log(postVar(1)), 4);
    tf.dispose([x0, xt, q.mean, q.variance, q.logVariance]);
  });

  it('posterior-mean and posterior-variance: equal the product of q(x_t | x_{t-1}) and q(x_{t-1} | x_0) (precision-weighted)', () => {
    const x0 = randTensor(shape, 6);
    const xt = randTensor(shape, 7);
    const q = d.qPosteriorMeanVariance(x0, xt, ts);
    const x0v = arr(x0);
    const xtv = arr(xt);
    // Gaussian product: precision 1/(1 - abar_{t-1}) + alpha_t / beta_t, mean weighted by precisions.
    const expected = x0v.map((v, k) => {
      const i = at(k);
      const a = 1 - betas[i];
      const prec = 1 / (1 - abarPrev(i)) + a / betas[i];
      if (i === 0) return v; // abar_0 = 1: x_{t-1} = x_0 exactly
      return ((Math.sqrt(abarPrev(i)) * v) / (1 - abarPrev(i)) + (Math.sqrt(a) * xtv[k]) / betas[i]) / prec;
    });
    expectClose(arr(q.mean), expected, 2e-5);
    const variances = arr(q.variance);
    ts.forEach((i, n) => {
      if (i > 0) {
        const prec = 1 / (1 - abarPrev(i)) + (1 - betas[i]) / betas[i];
        expect(variances[n] * prec).toBeCloseTo(1, 5);
      }
    });
    tf.dispose([x0, xt, q.mean, q.variance, q.logVariance]);
  });

  it('eps-to-x0: predictXstartFromEps inverts q-sample and predictEpsFromXstart recovers eps', () => {
    const x0 = randTensor(shape, 8);
    const eps = randTensor(shape, 9);
    const xt = d.qSample(x0, ts, eps);
    const x0hat = d.predictXstartFromEps(xt, ts, eps);
    const epsHat = d.predictEpsFromXstart(xt, ts, x0);
    // At t = 1000 sqrt(1/abar) ~ 157 amplifies float32 rounding of x_t, hence the looser bound there.
    const x0v = arr(x0);
    const tol = (k: number) => (at(k) === 999 ? 2e-3 : 5e-5);
    arr(x0hat).forEach((v, k) => expect(Math.abs(v - x0v[k])).toBeLessThan(tol(k)));
    // At t = 1 sqrt(1/abar - 1) = 0.01 amplifies rounding of x_t by 100.
    const ev = arr(eps);
    arr(epsHat).forEach((v, k) => expect(Math.abs(v - ev[k])).toBeLessThan(at(k) === 0 ? 2e-3 : 5e-5));
    tf.dispose([x0, eps, xt, x0hat, epsHat]);
  });

  it('leak: qSample, qMeanVariance, qPosteriorMeanVariance, predictXstartFromEps, predictEpsFromXstart', async () => {
    const x0 = randTensor(shape, 10);
    const eps = randTensor(shape, 11);
    await expectNoLeak(() => d.qSample(x0, ts, eps));
    await expectNoLeak(() => d.qMeanVariance(x0, ts));
    await expectNoLeak(() => d.qPosteriorMeanVariance(x0, eps, ts));
    await expectNoLeak(() => d.predictXstartFromEps(x0, ts, eps));
    await expectNoLeak(() => d.predictEpsFromXstart(x0, ts, eps));
    tf.dispose([x0, eps]);
  });

  it('rejects timesteps outside 0..T-1 and batch mismatches', () => {
    const x0 = randTensor([2, 1, 1, 4], 12);
    expect(() => d.qSample(x0, [0, 1000], x0)).toThrow(/outside/);
    expect(() => d.qSample(x0, [0], x0)).toThrow(/batch/);
    x0.dispose();
  });
});

describe('reverse process', () => {
  it('eps-mean: the unclipped mean equals (x_t - beta_t / sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_t)', () => {
    const xt = randTensor(shape, 20);
    const out = tf.concat([randTensor(shape, 21), tf.zeros(shape)], 3) as tf.Tensor4D;
    const p = d.pMeanVariance(out, xt, ts);
    const xtv = arr(xt);
    const ev = arr(p.eps);
    const expected = xtv.map((x, k) => {
      const i = at(k);
      return (x - (betas[i] / Math.sqrt(1 - abar[i])) * ev[k]) / Math.sqrt(1 - betas[i]);
    });
    expectClose(arr(p.mean), expected, 2e-4);
    tf.dispose([xt, out, p]);
  });

  it('learned-variance: v = +1 gives beta_t, v = -1 gives beta~_t, v = 0 their geometric mean', () => {
    const xt = randTensor(shape, 22);
    const eps = randTensor(shape, 23);
    for (const v of [1, -1, 0]) {
      const out = tf.concat([eps, tf.fill(shape, v)], 3) as tf.Tensor4D;
      const p = d.pMeanVariance(out, xt, ts);
      const got = arr(p.variance);
      const want = got.map((_, k) => {
        const i = at(k);
        const small = postVar(i === 0 ? 1 : i); // the clipped log at t = 1
        return v === 1 ? betas[i] : v === -1 ? small : Math.sqrt(betas[i] * small);
      });
      got.forEach((g, k) => expect(g / want[k]).toBeCloseTo(1, 4));
      tf.dispose([out, p]);
    }
    tf.dispose([xt, eps]);
  });

  it('learned-variance: fixed-large and fixed-small variances (official: beta~_2 stands in at t = 1)', () => {
    const xt = randTensor(shape, 24);
    const eps = randTensor(shape, 25);
    const large = GaussianDiffusion.fromBetas(betas, { modelVarType: 'fixed-large' }).pMeanVariance(eps, xt, ts);
    const small = GaussianDiffusion.fromBetas(betas, { modelVarType: 'fixed-small' }).pMeanVariance(eps, xt, ts);
    expect(large.variance.shape).toEqual([4, 1, 1, 1]);
    arr(large.variance).forEach((g, n) => expect(g / (ts[n] === 0 ? postVar(1) : betas[ts[n]])).toBeCloseTo(1, 5));
    arr(small.variance).forEach((g, n) => (ts[n] === 0 ? expect(g).toBe(0) : expect(g / postVar(ts[n])).toBeCloseTo(1, 5)));
    // a fixed-variance model outputs C channels, a learned one 2C
    expect(() => d.pMeanVariance(eps, xt, ts)).toThrow(/output channels/);
    tf.dispose([large, small]);
    expect(eps.isDisposed).toBe(false); // the result's eps is a clone, not the caller's output
    tf.dispose([xt, eps]);
  });

  it('eps-to-x0: clipDenoised clips the predicted x_0 to [-1, 1]', () => {
    const xt = randTensor(shape, 26, 3);
    const out = tf.concat([randTensor(shape, 27), tf.zeros(shape)], 3) as tf.Tensor4D;
    const p = d.pMeanVariance(out, xt, ts, { clipDenoised: true });
    const v = arr(p.predXstart);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(1);
    expect(v.some((x) => Math.abs(x) === 1)).toBe(true);
    tf.dispose([xt, out, p]);
  });

  it('ddpm-step: x_{t-1} = mean + exp(log Sigma / 2) z, and no noise at the last step', () => {
    const xt = randTensor(shape, 30);
    const out = tf.concat([randTensor(shape, 31), randTensor(shape, 32, 0.5)], 3) as tf.Tensor4D;
    const z = randTensor(shape, 33);
    const p = d.pMeanVariance(out, xt, ts);
    const s = d.pSample(out, xt, ts, z);
    const m = arr(p.mean);
    const lv = arr(p.logVariance);
    const zv = arr(z);
    const expected = m.map((mu, k) => (at(k) === 0 ? mu : mu + Math.exp(0.5 * lv[k]) * zv[k]));
    expectClose(arr(s.sample), expected, 1e-5);
    expectClose(arr(s.predXstart), arr(p.predXstart), 0);
    tf.dispose([xt, out, z, p, s]);
  });

  it('ddim-step: eta = 0 is deterministic and an oracle eps lands exactly on q-sample at t - 1', () => {
    const x0 = randTensor(shape, 40);
    const eps = randTensor(shape, 41);
    const xt = d.qSample(x0, ts, eps);
    const out = tf.concat([eps, tf.zeros(shape)], 3) as tf.Tensor4D;
    const a = d.ddimSample(out, xt, ts, null, { eta: 0 });
    const z = randTensor(shape, 42);
    const b = d.ddimSample(out, xt, ts, z, { eta: 0 });
    expectClose(arr(a.sample), arr(b.sample), 0);
    // x_{t-1} = sqrt(abar_{t-1}) x_0 + sqrt(1 - abar_{t-1}) eps when eps is the true noise
    const x0v = arr(x0);
    const ev = arr(eps);
    const expected = x0v.map((v, k) => Math.sqrt(abarPrev(at(k))) * v + Math.sqrt(1 - abarPrev(at(k))) * ev[k]);
    expectClose(arr(a.sample), expected, 2e-4);
    tf.dispose([x0, eps, xt, out, a, b, z]);
  });

  it('ddim-step: eta = 1 has the DDPM posterior variance sigma^2 = beta~_t, and the step adds sigma z', () => {
    const sigma = d.ddimSigma(1);
    for (const i of [1, 10, 500, 999]) expect(sigma[i] ** 2 / postVar(i)).toBeCloseTo(1, 10);
    expect(sigma[0]).toBe(0);
    const xt = randTensor(shape, 43);
    const out = tf.concat([randTensor(shape, 44), tf.zeros(shape)], 3) as tf.Tensor4D;
    const z = randTensor(shape, 45);
    const zero = tf.zerosLike(z);
    const withNoise = arr(d.ddimSample(out, xt, ts, z, { eta: 1 }).sample);
    const noNoise = arr(d.ddimSample(out, xt, ts, zero, { eta: 1 }).sample);
    const zv = arr(z);
    expectClose(
      withNoise,
      noNoise.map((m, k) => m + Math.sqrt(postVar(at(k))) * zv[k]),
      1e-5,
    );
    tf.dispose([xt, out, z, zero]);
  });

  it('ddim-step: with eta = 1 and an oracle x_0 the mean is the posterior mean (DDIM contains DDPM)', () => {
    const x0 = randTensor(shape, 46);
    const eps = randTensor(shape, 47);
    const xt = d.qSample(x0, ts, eps);
    const out = tf.concat([eps, tf.fill(shape, -1)], 3) as tf.Tensor4D; // v = -1: Sigma = beta~
    const zero = tf.zeros(shape) as tf.Tensor4D;
    const ddim = d.ddimSample(out, xt, ts, zero, { eta: 1 });
    const ddpm = d.pSample(out, xt, ts, zero);
    expectClose(arr(ddim.sample), arr(ddpm.sample), 1e-4);
    tf.dispose([x0, eps, xt, out, zero, ddim, ddpm]);
  });

  it('leak: pMeanVariance, pSample, ddimSample', async () => {
    const xt = randTensor(shape, 50);
    const out = tf.concat([randTensor(shape, 51), tf.zeros(shape)], 3) as tf.Tensor4D;
    await expectNoLeak(() => d.pMeanVariance(out, xt, ts, { clipDenoised: true }));
    await expectNoLeak(() => d.pSample(out, xt, ts, xt));
    await expectNoLeak(() => d.ddimSample(out, xt, ts, xt, { eta: 0.5 }));
    await expectNoLeak(() => d.ddimSample(out, xt, ts, null));
    tf.dispose([xt, out]);
  });
});
