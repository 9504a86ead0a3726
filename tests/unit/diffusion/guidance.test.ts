import { describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import type { DiffusionModelFn } from '@/lib/diffusion/gaussian-diffusion';
import { classifierFreeGuidance } from '@/lib/diffusion/guidance';
import { arr, expectClose, expectNoLeak, onWasmBackend, randTensor, type Shape4 } from './helpers';

const NUM_CLASSES = 10;
const shape: Shape4 = [3, 2, 2, 4];

/**
 * A fake conditional network with learned variance: eps and v depend on x, t and y differently for
 * each channel, and the null class gives a different answer from every real label.
 */
const calls: number[] = [];
const fake: DiffusionModelFn = (x, t, y) =>
  tf.tidy(() => {
    calls.push(x.shape[0]);
    const n = x.shape[0];
    const yf = tf.reshape(tf.cast(y, 'float32'), [n, 1, 1, 1]);
    const tf_ = tf.reshape(tf.cast(t, 'float32'), [n, 1, 1, 1]);
    const chan = tf.reshape(tf.tensor1d([1, 2, 3, 4]), [1, 1, 1, 4]);
    const eps = tf.add(tf.tanh(tf.mul(x, chan)), tf.mul(0.05, tf.mul(yf, chan))); // (N, H, W, 4)
    const v = tf.tanh(tf.add(tf.mul(0.001, tf_), tf.mul(0.1, tf.sub(yf, chan)))); // (N, H, W, 4) by broadcast
    return tf.concat([eps, tf.broadcastTo(v, eps.shape as Shape4)], 3) as tf.Tensor4D;
  });

function run(model: DiffusionModelFn, x: tf.Tensor4D, t: number[], y: number[]): number[] {
  const tt = tf.tensor1d(t, 'int32');
  const yy = tf.tensor1d(y, 'int32');
  const out = model(x, tt, yy);
  const v = arr(out);
  tf.dispose([tt, yy, out]);
  return v;
}

onWasmBackend();

describe('classifier-free guidance', () => {
  const t = [5, 500, 900];
  const y = [0, 3, 9];
  const nullY = [NUM_CLASSES, NUM_CLASSES, NUM_CLASSES];

  it('cfg: s = 1 gives the conditional output, s = 0 the unconditional eps, in one doubled call', () => {
    const x = randTensor(shape, 1);
    const cond = run(fake, x, t, y);
    const uncond = run(fake, x, t, nullY);
    for (const mode of ['all', 'first3'] as const) {
      calls.length = 0;
      const g1 = run(classifierFreeGuidance(fake, { scale: 1, mode, numClasses: NUM_CLASSES }), x, t, y);
      expect(calls).toEqual([6]);
      expectClose(g1, cond, 1e-6);
    }
    const g0 = run(classifierFreeGuidance(fake, { scale: 0, mode: 'all', numClasses: NUM_CLASSES }), x, t, y);
    // channels 0-3 are eps (unconditional at s = 0), 4-7 the conditional v
    g0.forEach((v, k) => expect(v).toBeCloseTo(k % 8 < 4 ? uncond[k] : cond[k], 5));
    x.dispose();
  });

  it('cfg: eps = eps_u + s (eps_c - eps_u) on all eps channels, or on the first 3 only (official), v from the conditional half', () => {
    const x = randTensor(shape, 2);
    const cond = run(fake, x, t, y);
    const uncond = run(fake, x, t, nullY);
    const s = 4;
    const all = run(classifierFreeGuidance(fake, { scale: s, mode: 'all', numClasses: NUM_CLASSES }), x, t, y);
    const first3 = run(classifierFreeGuidance(fake, { scale: s, mode: 'first3', numClasses: NUM_CLASSES }), x, t, y);
    const guided = cond.map((c, k) => uncond[k] + s * (c - uncond[k]));
    all.forEach((v, k) => expect(v).toBeCloseTo(k % 8 < 4 ? guided[k] : cond[k], 4));
    first3.forEach((v, k) => expect(v).toBeCloseTo(k % 8 < 3 ? guided[k] : cond[k], 4));
    // the modes differ exactly on the 4th eps channel
    expect(Math.abs(all[3] - first3[3])).toBeGreaterThan(1e-3);
    x.dispose();
  });

  it('cfg: works on a model without variance channels', () => {
    const plain: DiffusionModelFn = (x, t, y) => tf.tidy(() => tf.slice(fake(x, t, y), [0, 0, 0, 0], [-1, -1, -1, 4]) as tf.Tensor4D);
    const x = randTensor(shape, 3);
    const g = run(classifierFreeGuidance(plain, { scale: 2, mode: 'all', numClasses: NUM_CLASSES }), x, t, y);
    const c = run(plain, x, t, y);
    const u = run(plain, x, t, nullY);
    expectClose(
      g,
      c.map((v, k) => u[k] + 2 * (v - u[k])),
      1e-5,
    );
    x.dispose();
  });

  it('leak: the guided model', async () => {
    const x = randTensor(shape, 4);
    const tt = tf.tensor1d(t, 'int32');
    const yy = tf.tensor1d(y, 'int32');
    await expectNoLeak(() => classifierFreeGuidance(fake, { scale: 3, mode: 'first3', numClasses: NUM_CLASSES })(x, tt, yy));
    await expectNoLeak(() => classifierFreeGuidance(fake, { scale: 3, mode: 'all', numClasses: NUM_CLASSES })(x, tt, yy));
    tf.dispose([x, tt, yy]);
  });
});
