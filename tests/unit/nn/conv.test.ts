import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { conv2d, patchConv2d, convTranspose2d, spaceToDepth, depthToSpace } from '@/lib/nn/conv';

type T = tf.Tensor;
const maxAbs = (a: T, b: T) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** The stock tfjs ops as reference (their gradients need Conv2DBackpropFilter: the cpu backend has it). */
const refConv = (x: T, w: T, b: T) => tf.add(tf.conv2d(x as tf.Tensor4D, tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, 1, 'same'), b);
const refPatch = (x: T, w: T, b: T) => tf.add(tf.conv2d(x as tf.Tensor4D, tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, w.shape[2] as number, 'valid'), b);

describe('trainable convolutions (lib/nn/conv)', () => {
  beforeAll(async () => {
    await setNodeBackend('cpu');
  });

  for (const k of [1, 3, 5]) {
    it(`conv2d ${k}x${k}: value and gradients match tf.conv2d`, () => {
      const x = tf.randomNormal([2, 7, 6, 3], 0, 1, 'float32', 1);
      const w = tf.randomNormal([4, 3, k, k], 0, 1, 'float32', 2);
      const b = tf.randomNormal([4], 0, 1, 'float32', 3);
      const r = tf.randomNormal([2, 7, 6, 4], 0, 1, 'float32', 4);
      const f = (fn: (x: T, w: T, b: T) => T) => (x: T, w: T, b: T) => tf.sum(tf.mul(fn(x, w, b), r));
      expect(maxAbs(conv2d(x, w, b), refConv(x, w, b))).toBeLessThan(1e-4);
      const g = tf.grads(f(conv2d))([x, w, b]);
      const gr = tf.grads(f(refConv))([x, w, b]);
      for (let i = 0; i < 3; i++) expect(maxAbs(g[i], gr[i])).toBeLessThan(1e-3);
    });
  }

  it('patchConv2d equals a stride-s Conv2d, gradients included', () => {
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 5);
    const w = tf.randomNormal([5, 3, 2, 2], 0, 1, 'float32', 6);
    const b = tf.randomNormal([5], 0, 1, 'float32', 7);
    const r = tf.randomNormal([2, 4, 4, 5], 0, 1, 'float32', 8);
    expect(maxAbs(patchConv2d(x, w, b), refPatch(x, w, b))).toBeLessThan(1e-4);
    const g = tf.grads((x: T, w: T, b: T) => tf.sum(tf.mul(patchConv2d(x, w, b), r)))([x, w, b]);
    const gr = tf.grads((x: T, w: T, b: T) => tf.sum(tf.mul(refPatch(x, w, b), r)))([x, w, b]);
    for (let i = 0; i < 3; i++) expect(maxAbs(g[i], gr[i])).toBeLessThan(1e-3);
  });

  it('convTranspose2d equals PyTorch ConvTranspose2d(k = stride = s): each input pixel paints its own patch', () => {
    // Reference by definition: y[n, s*h + i, s*w + j, o] = sum_c x[n, h, w, c] W[c, o, i, j] + b[o].
    const x = tf.randomNormal([2, 3, 4, 3], 0, 1, 'float32', 9);
    const w = tf.randomNormal([3, 5, 2, 2], 0, 1, 'float32', 10);
    const b = tf.randomNormal([5], 0, 1, 'float32', 11);
    const y = convTranspose2d(x, w, b);
    expect(y.shape).toEqual([2, 6, 8, 5]);
    const xv = x.arraySync() as number[][][][];
    const wv = w.arraySync() as number[][][][];
    const bv = b.arraySync() as number[];
    const yv = y.arraySync() as number[][][][];
    let worst = 0;
    for (let n = 0; n < 2; n++)
      for (let h = 0; h < 3; h++)
        for (let ww = 0; ww < 4; ww++)
          for (let i = 0; i < 2; i++)
            for (let j = 0; j < 2; j++)
              for (let o = 0; o < 5; o++) {
                let s = bv[o];
                for (let c = 0; c < 3; c++) s += xv[n][h][ww][c] * wv[c][o][i][j];
                worst = Math.max(worst, Math.abs(s - yv[n][2 * h + i][2 * ww + j][o]));
              }
    expect(worst).toBeLessThan(1e-5);
    // And it is the adjoint of the patch convolution: <convT(x), y> = <x, patchConv(y)> without biases.
    const z = tf.randomNormal([2, 6, 8, 5], 0, 1, 'float32', 12);
    // The same (C, O, 2, 2) tensor read as a Conv2d weight maps O channels back to C.
    const lhs = tf.sum(tf.mul(convTranspose2d(x, w, tf.zeros([5])), z)).dataSync()[0];
    const rhs = tf.sum(tf.mul(x, patchConv2d(z, w, tf.zeros([3])))).dataSync()[0];
    expect(lhs).toBeCloseTo(rhs, 2);
  });

  it('depthToSpace inverts spaceToDepth', () => {
    const x = tf.randomNormal([2, 8, 4, 3], 0, 1, 'float32', 13);
    expect(maxAbs(depthToSpace(spaceToDepth(x, 2), 2), x)).toBe(0);
    expect(spaceToDepth(x, 4).shape).toEqual([2, 2, 1, 48]);
  });

  it('conv2d trains on wasm (no Conv2DBackpropFilter there) and agrees with the cpu backend', async () => {
    const make = () => ({
      x: tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 21),
      w: tf.randomNormal([4, 3, 3, 3], 0, 1, 'float32', 22),
      b: tf.randomNormal([4], 0, 1, 'float32', 23),
    });
    const run = () => {
      const { x, w, b } = make();
      return tf
        .grads((x: T, w: T, b: T) => tf.sum(tf.square(conv2d(x, w, b))))([x, w, b])
        .map((g) => Array.from(g.dataSync()));
    };
    const onCpu = run();
    await setNodeBackend('wasm');
    try {
      const onWasm = run();
      onWasm.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(onCpu[i][j], 2)));
    } finally {
      await setNodeBackend('cpu');
    }
  });
});
