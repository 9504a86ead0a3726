import { describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { betaSchedule } from '@/lib/diffusion/schedules';
import { GaussianDiffusion, type DiffusionModelFn } from '@/lib/diffusion/gaussian-diffusion';
import { approxStandardNormalCdf, discretizedGaussianLogLikelihood, normalKl, stopGradient } from '@/lib/diffusion/losses';
import { arr, expectClose, expectNoLeak, onWasmBackend, randTensor, type Shape4 } from './helpers';

const betas = betaSchedule('linear', 1000);
const shape: Shape4 = [4, 2, 2, 4];
const ts = [0, 1, 499, 999];
const d = GaussianDiffusion.fromBetas(betas);
onWasmBackend();

describe('variational bound pieces', () => {
  it('l-vlb: normal KL is 0 for equal Gaussians and matches the closed form otherwise', () => {
    const m1 = tf.tensor1d([0, 1, -2]);
    const lv1 = tf.tensor1d([0, Math.log(2), -1]);
    const m2 = tf.tensor1d([0, 0, 1]);
    const lv2 = tf.tensor1d([0, 0, 0.5]);
    expectClose(arr(normalKl(m1, lv1, m1, lv1)), [0, 0, 0], 1e-7);
    // KL(N(m1, s1^2) || N(m2, s2^2)) = log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2
    const want = [0, 1, 2].map((k) => {
      const [a, b, c, e] = [
        [0, 0, 0, 0],
        [1, Math.log(2), 0, 0],
        [-2, -1, 1, 0.5],
      ][k];
      return 0.5 * (e - b) + (Math.exp(b) + (a - c) ** 2) / (2 * Math.exp(e)) - 0.5;
    });
    expectClose(arr(normalKl(m1, lv1, m2, lv2)), want, 1e-6);
    tf.dispose([m1, lv1, m2, lv2]);
  });

  it('l-vlb: the tanh CDF approximation is within 1e-3 of the normal CDF', () => {
    const xs = [-3, -1.5, -0.5, 0, 0.7, 2];
    // Phi by erf: values of the standard normal CDF (scipy.stats.norm.cdf)
    const phi = [0.0013498980316301, 0.0668072012688581, 0.3085375387259869, 0.5, 0.758036347776927, 0.9772498680518208];
    const x = tf.tensor1d(xs);
    expectClose(arr(approxStandardNormalCdf(x)), phi, 1e-3);
    x.dispose();
  });

  it('l-vlb: the discretized likelihood of a bin is at most 1 and the edge bins are open', () => {
    const x = tf.tensor1d([-1, -0.5, 0, 0.5, 1]);
    const mean = tf.tensor1d([-1, -0.5, 0, 0.5, 1]);
    const logScale = tf.fill([5], Math.log(1 / 255));
    const ll = arr(discretizedGaussianLogLikelihood(x, mean, logScale));
    ll.forEach((v) => expect(v).toBeLessThanOrEqual(0));
    // interior bin of width 2/255 centred on the mean, sigma = 1/255: P(|Z| < 1) ~ 0.6827
    expect(Math.exp(ll[2])).toBeCloseTo(0.6827, 2);
    // edge bin at -1: P(Z < 1) ~ 0.8413
    expect(Math.exp(ll[0])).toBeCloseTo(0.8413, 2);
    expect(Math.exp(ll[4])).toBeCloseTo(0.8413, 2);
    tf.dispose([x, mean, logScale]);
  });

  it('l-hybrid: stopGradient is the identity with a zero gradient', () => {
    const x = tf.tensor1d([1, -2, 3]);
    expectClose(arr(stopGradient(x)), [1, -2, 3], 0);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.add(tf.mul(stopGradient(a), a), a)))(x);
    // d/da (sg(a) * a + a) = sg(a) + 1
    expectClose(arr(g), [2, -1, 4], 1e-6);
    tf.dispose([x, g]);
  });
});

describe('training losses', () => {
  it('l-simple: mse is the per-item mean of (eps - eps_theta)^2, zero for the true noise', () => {
    const x0 = randTensor(shape, 60);
    const noise = randTensor(shape, 61);
    const xt = d.qSample(x0, ts, noise);
    const exact = tf.concat([noise, tf.zeros(shape)], 3) as tf.Tensor4D;
    expectClose(arr(d.lossesFromOutput(exact, x0, xt, ts, noise).mse), [0, 0, 0, 0], 0);
    const off = tf.concat([tf.add(noise, 0.5), tf.zeros(shape)], 3) as tf.Tensor4D;
    expectClose(arr(d.lossesFromOutput(off, x0, xt, ts, noise).mse), [0.25, 0.25, 0.25, 0.25], 1e-6);
    tf.dispose([x0, noise, xt, exact, off]);
  });

  it('l-vlb: vb is non-negative, and 0 at t > 1 when mean and variance equal the posterior', () => {
    const x0 = tf.clipByValue(randTensor(shape, 62, 0.5), -1, 1) as tf.Tensor4D;
    const noise = randTensor(shape, 63);
    const xt = d.qSample(x0, ts, noise);
    for (const v of [-1, -0.3, 0.4, 1]) {
      const out = tf.concat([tf.add(noise, randTensor(shape, 64, 0.1)), tf.fill(shape, v)], 3) as tf.Tensor4D;
      const { vb } = d.lossesFromOutput(out, x0, xt, ts, noise);
      arr(vb!).forEach((b) => expect(b).toBeGreaterThanOrEqual(0));
      tf.dispose([out, vb!]);
    }
    // true eps -> true posterior mean; v = -1 -> Sigma = beta~ (clipped log): KL = 0 for indices 1 and up
    const perfect = tf.concat([noise, tf.fill(shape, -1)], 3) as tf.Tensor4D;
    const vb = arr(d.lossesFromOutput(perfect, x0, xt, ts, noise).vb!);
    expect(Math.abs(vb[2])).toBeLessThan(2e-3);
    expect(Math.abs(vb[3])).toBeLessThan(2e-3);
    // index 1 (t = 2): true log variance and the model's are both log beta~_2, but float32 x_0 error
    // is amplified by 1/beta~: still small in bits
    expect(vb[1]).toBeLessThan(0.05);
    expect(vb[0]).toBeGreaterThan(0); // decoder NLL in bits at t = 1
    tf.dispose([x0, noise, xt, perfect]);
  });

  it('l-hybrid: loss = mse + vb, the eps channels get only the L_simple gradient, v gets a gradient from vb', () => {
    const x0 = tf.clipByValue(randTensor(shape, 65, 0.5), -1, 1) as tf.Tensor4D;
    const noise = randTensor(shape, 66);
    const xt = d.qSample(x0, ts, noise);
    const out0 = tf.concat([randTensor(shape, 67), randTensor(shape, 68, 0.3)], 3) as tf.Tensor4D;
    const r = d.lossesFromOutput(out0, x0, xt, ts, noise);
    expectClose(
      arr(r.loss),
      arr(r.mse).map((m, k) => m + arr(r.vb!)[k]),
      1e-6,
    );
    const gradVb = tf.grad((o: tf.Tensor) => tf.sum(d.lossesFromOutput(o as tf.Tensor4D, x0, xt, ts, noise).vb!))(out0);
    const [gEps, gV] = tf.split(gradVb, 2, 3);
    expect(Math.max(...arr(gEps).map(Math.abs))).toBe(0);
    expect(Math.max(...arr(gV).map(Math.abs))).toBeGreaterThan(1e-4);
    // d loss / d eps_theta = -2 (eps - eps_theta) / (H W C), from L_simple alone
    const gradLoss = tf.grad((o: tf.Tensor) => tf.sum(d.lossesFromOutput(o as tf.Tensor4D, x0, xt, ts, noise).loss))(out0);
    const [gLossEps] = tf.split(gradLoss, 2, 3);
    const [epsTheta] = tf.split(out0, 2, 3);
    const nv = arr(noise);
    expectClose(
      arr(gLossEps),
      arr(epsTheta).map((e, k) => (-2 * (nv[k] - e)) / 16),
      1e-6,
    );
    tf.dispose([x0, noise, xt, out0, r.loss, r.mse, r.vb!, gradVb, gEps, gV, gradLoss, gLossEps, epsTheta]);
  });

  it('l-simple: a fixed-variance process returns vb = null and loss = mse', () => {
    const fixed = GaussianDiffusion.fromBetas(betas, { modelVarType: 'fixed-large' });
    const x0 = randTensor(shape, 69);
    const noise = randTensor(shape, 70);
    const model: DiffusionModelFn = (x) => tf.mul(x, 0.5) as tf.Tensor4D;
    const r = fixed.trainingLosses(model, x0, ts, [0, 1, 2, 3], noise);
    expect(r.vb).toBeNull();
    expectClose(arr(r.loss), arr(r.mse), 0);
    tf.dispose([x0, noise, r.loss]);
  });

  it('l-hybrid: trainingLosses runs the model at x_t with the original timesteps and labels', () => {
    const x0 = randTensor(shape, 71);
    const noise = randTensor(shape, 72);
    const seen: { t: number[]; y: number[] } = { t: [], y: [] };
    const model: DiffusionModelFn = (x, t, y) => {
      seen.t = arr(t);
      seen.y = arr(y);
      return tf.concat([tf.mul(x, 0.1), tf.zerosLike(x)], 3) as tf.Tensor4D;
    };
    const r = d.trainingLosses(model, x0, ts, [3, 1, 4, 10], noise);
    expect(seen.t).toEqual(ts);
    expect(seen.y).toEqual([3, 1, 4, 10]);
    const xt = d.qSample(x0, ts, noise);
    const want = d.lossesFromOutput(tf.concat([tf.mul(xt, 0.1), tf.zerosLike(xt)], 3) as tf.Tensor4D, x0, xt, ts, noise);
    expectClose(arr(r.loss), arr(want.loss), 1e-6);
    tf.dispose([x0, noise, r.loss, r.mse, r.vb!, xt, want.loss, want.mse, want.vb!]);
  });

  it('leak: trainingLosses, lossesFromOutput, vbTermsBpd, and their gradient', async () => {
    const x0 = randTensor(shape, 73);
    const noise = randTensor(shape, 74);
    const w = tf.variable(tf.scalar(0.3));
    const model: DiffusionModelFn = (x) => tf.concat([tf.mul(x, w), tf.tanh(x)], 3) as tf.Tensor4D;
    await expectNoLeak(() => d.trainingLosses(model, x0, ts, [0, 1, 2, 3], noise));
    const out = tf.concat([x0, noise], 3) as tf.Tensor4D;
    await expectNoLeak(() => d.lossesFromOutput(out, x0, noise, ts, noise));
    await expectNoLeak(() => d.vbTermsBpd(out, x0, noise, ts));
    await expectNoLeak(() => normalKl(x0, noise, noise, x0));
    await expectNoLeak(() => approxStandardNormalCdf(x0));
    const logScales = tf.mul(noise, 0.1);
    await expectNoLeak(() => discretizedGaussianLogLikelihood(x0, noise, logScales));
    logScales.dispose();
    await expectNoLeak(() => stopGradient(x0));
    await expectNoLeak(() => tf.grad((a: tf.Tensor) => tf.sum(stopGradient(a)))(x0));
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.mean(d.trainingLosses(model, x0, ts, [0, 1, 2, 3], noise).loss) as tf.Scalar);
      expect(Number.isFinite(arr(grads[w.name])[0])).toBe(true);
      return [value, ...Object.values(grads)];
    });
    tf.dispose([x0, noise, w, out]);
  });
});
