import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { concatLastAxis, splitLastAxis } from '@/lib/nn/last-axis';

describe('splitLastAxis and concatLastAxis', () => {
  beforeAll(async () => {
    await setNodeBackend('wasm');
  });

  it('give what tf.split and tf.concat on the last axis give, for ranks 2 to 4', () => {
    for (const shape of [
      [5, 6],
      [3, 4, 6],
      [2, 3, 4, 8],
    ]) {
      for (const k of [1, 2, 3].filter((k) => shape[shape.length - 1] % k === 0)) {
        const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
        const got = splitLastAxis(x, k);
        const want = tf.split(x, k, shape.length - 1);
        expect(got.map((t) => t.shape)).toEqual(want.map((t) => t.shape));
        got.forEach((g, i) => expect(Array.from(g.dataSync())).toEqual(Array.from(want[i].dataSync())));
        expect(Array.from(concatLastAxis(got).dataSync())).toEqual(Array.from(x.dataSync()));
        tf.dispose([x, ...got, ...want]);
      }
    }
  });

  it('carry gradients as split and concat do', () => {
    const x = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 3);
    const w = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 4);
    const f = (split: (t: tf.Tensor) => tf.Tensor[], join: (p: tf.Tensor[]) => tf.Tensor) => (t: tf.Tensor) => {
      const [a, b] = split(t);
      return tf.sum(tf.mul(join([tf.mul(b, 2), tf.square(a)]), w));
    };
    const ours = tf.grad(f((t) => splitLastAxis(t, 2), concatLastAxis))(x);
    const ref = tf.grad(
      f(
        (t) => tf.split(t, 2, 3),
        (p) => tf.concat(p, 3),
      ),
    )(x);
    expect(Math.max(...Array.from(tf.abs(tf.sub(ours, ref)).dataSync()))).toBeLessThan(1e-6);
    tf.dispose([x, w, ours, ref]);
  });

  it('refuse parts that do not fit', () => {
    const x = tf.zeros([2, 5]);
    expect(() => splitLastAxis(x, 2)).toThrow(/5 features/);
    expect(() => concatLastAxis([x, tf.zeros([2, 4])])).toThrow(/one shape/);
    x.dispose();
  });
});
