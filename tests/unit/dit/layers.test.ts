import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { linear, bmm, transpose2d, layerNorm, geluTanh, silu, modulate, scaledDotProductAttention, depthwiseAttention } from '@/lib/dit/layers';
import { patchify, unpatchify, sinCos1d, get2dSinCosPosEmbed, timestepEmbedding, embedLabels, dropLabels, labelDropMask } from '@/lib/dit/embeddings';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i]), `index ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol);
};
const data = (t: tf.Tensor) => {
  const d = Array.from(t.dataSync());
  t.dispose();
  return d;
};

beforeAll(async () => {
  await setNodeBackend('wasm');
});

describe('layers', () => {
  it('linear: y = x W^T + b with W as (out, in), and its custom gradient equals autodiff of the same formula', () => {
    const x = tf.tensor3d([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]); // (1, 2, 3)
    const w = tf.tensor2d([
      [1, 0, -1],
      [2, 1, 0],
    ]); // (2, 3)
    const b = tf.tensor1d([0.5, -1]);
    close(data(linear(x, w, b)), [1 - 3 + 0.5, 2 + 2 - 1, 4 - 6 + 0.5, 8 + 5 - 1]);
    const r = tf.randomNormal([5, 2], 0, 1, 'float32', 3);
    const x2 = tf.randomNormal([5, 3], 0, 1, 'float32', 4);
    const f1 = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(linear(xx, ww, bb), r));
    const f2 = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D, false, true), bb), r));
    const g1 = tf.grads(f1)([x2, w, b]);
    const g2 = tf.grads(f2)([x2, w, b]);
    g1.forEach((g, i) => close(data(g), data(g2[i])));
    tf.dispose([x, w, b, r, x2]);
  });

  it('bmm: batched product and its gradient equal the stock matMul', () => {
    const a = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 1);
    const c = tf.randomNormal([2, 3, 5, 2], 0, 1, 'float32', 2);
    close(data(bmm(a, c)), data(tf.matMul(tf.reshape(a, [6, 4, 5]) as tf.Tensor3D, tf.reshape(c, [6, 5, 2]) as tf.Tensor3D)));
    const r = tf.randomNormal([2, 3, 4, 2], 0, 1, 'float32', 5);
    const g1 = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(bmm(u, v), r)))([a, c]);
    const g2 = tf.grads((u: tf.Tensor, v: tf.Tensor) =>
      tf.sum(tf.mul(tf.reshape(tf.matMul(tf.reshape(u, [6, 4, 5]) as tf.Tensor3D, tf.reshape(v, [6, 5, 2]) as tf.Tensor3D), [2, 3, 4, 2]), r)),
    )([a, c]);
    g1.forEach((g, i) => close(data(g), data(g2[i]), 1e-4));
    tf.dispose([a, c, r]);
  });

  it('layer-norm: (x - mean) / sqrt(var + 1e-6), biased variance, no affine', () => {
    const s = Math.sqrt(1.25 + 1e-6);
    close(data(layerNorm(tf.tensor2d([[1, 2, 3, 4]]))), [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s]);
  });

  it('layer-norm: the hand-written gradient equals autodiff of the formula', () => {
    const x = tf.randomNormal([3, 5, 16], 2, 3, 'float32', 4);
    const r = tf.randomNormal([3, 5, 16], 0, 1, 'float32', 5);
    const formula = (v: tf.Tensor) => {
      const m = tf.mean(v, -1, true);
      const c = tf.sub(v, m);
      return tf.div(c, tf.sqrt(tf.add(tf.mean(tf.square(c), -1, true), 1e-6)));
    };
    close(data(layerNorm(x)), data(formula(x)), 1e-5);
    close(data(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layerNorm(v), r)))(x)), data(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(formula(v), r)))(x)), 1e-4);
    tf.dispose([x, r]);
  });

  it('gelu-tanh: matches closed-form values', () => {
    // 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))) at x = -2, 0, 1, 3
    close(data(geluTanh(tf.tensor1d([-2, 0, 1, 3]))), [-0.04540230591222, 0, 0.84119199060802, 2.99636313608589], 1e-6);
  });

  it('gelu-tanh: the hand-written gradient equals autodiff of the formula', () => {
    const x = tf.linspace(-5, 5, 101);
    const formula = (v: tf.Tensor) => tf.mul(tf.mul(0.5, v), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(v, tf.mul(0.044715, tf.pow(v, 3)))))));
    const r = tf.randomNormal([101], 0, 1, 'float32', 2);
    close(data(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(geluTanh(v), r)))(x)), data(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(formula(v), r)))(x)), 1e-5);
    tf.dispose([x, r]);
  });

  it('transpose2d: equals tf.transpose for shapes with and without a fast path', () => {
    for (const [m, k] of [
      [4096, 24],
      [96, 7],
      [5, 3],
    ]) {
      const a = tf.randomNormal([m, k], 0, 1, 'float32', m);
      expect(data(transpose2d(a))).toEqual(data(tf.transpose(a)));
      a.dispose();
    }
  });

  it('silu: x sigmoid(x)', () => {
    close(data(silu(tf.tensor1d([0, 1, -1]))), [0, 1 / (1 + Math.exp(-1)), -1 / (1 + Math.exp(1))], 1e-6);
  });

  it('modulate: x (1 + scale) + shift, per sample, broadcast over tokens', () => {
    const x = tf.tensor3d([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [1, 1],
        [1, 1],
      ],
    ]); // (2, 2, 2)
    const shift = tf.tensor2d([
      [10, 20],
      [0, 0],
    ]);
    const scale = tf.tensor2d([
      [1, 0],
      [-1, 2],
    ]);
    close(data(modulate(x, shift, scale)), [12, 22, 16, 24, 0, 3, 0, 3]);
    tf.dispose([x, shift, scale]);
  });

  it('attention: softmax(q k^T / sqrt(d)) v for one head, two tokens', () => {
    const q = tf.tensor4d([
      [
        [
          [1, 0],
          [0, 2],
        ],
      ],
    ]); // (1, 1, 2, 2)
    const k = tf.tensor4d([
      [
        [
          [1, 1],
          [0, 1],
        ],
      ],
    ]);
    const v = tf.tensor4d([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
    const { out, probs } = scaledDotProductAttention(q, k, v);
    const sm = (a: number, b: number) => [Math.exp(a) / (Math.exp(a) + Math.exp(b)), Math.exp(b) / (Math.exp(a) + Math.exp(b))];
    const r = Math.SQRT1_2;
    const p0 = sm(1 * r, 0); // q0 . k0 = 1, q0 . k1 = 0
    const p1 = sm(2 * r, 2 * r); // q1 . k0 = 2, q1 . k1 = 2
    close(data(probs), [...p0, ...p1], 1e-6);
    close(data(out), [p0[0] * 1 + p0[1] * 3, p0[0] * 2 + p0[1] * 4, 2, 3], 1e-5);
    tf.dispose([q, k, v]);
  });

  it('attention: the depthwise-convolution form equals scaledDotProductAttention for T != S, S = 2 (cross) and T = S + 2 (in-context)', () => {
    // [N, H, T, S, d]: the brief's random case, cross-attention's two context tokens, queries longer
    // than keys, a single query token and a single head.
    const cases: [number, number, number, number, number][] = [
      [3, 2, 5, 7, 4],
      [2, 3, 6, 2, 5],
      [2, 2, 9, 7, 3],
      [1, 4, 1, 3, 2],
      [2, 1, 4, 4, 6],
    ];
    const n0 = tf.memory().numTensors;
    cases.forEach(([n, h, t, s, d], i) => {
      const q = tf.randomNormal([n, t, h, d], 0, 1.5, 'float32', 10 + i); // (N, T, H, d), depthwiseAttention's layout
      const k = tf.randomNormal([n, s, h, d], 0, 1.5, 'float32', 20 + i);
      const v = tf.randomNormal([n, s, h, d], 0, 1, 'float32', 30 + i);
      const got = tf.tidy(() => depthwiseAttention(q, k, v)); // layers leave intermediates to the caller's tidy
      expect(got.shape).toEqual([n, t, h * d]);
      const want = tf.tidy(() => {
        const heads = (x: tf.Tensor) => tf.transpose(x, [0, 2, 1, 3]); // (N, H, ., d)
        const { out } = scaledDotProductAttention(heads(q), heads(k), heads(v));
        return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [n, t, h * d]); // heads concatenated, (H, d) order
      });
      close(data(got), Array.from(data(want)), 1e-5);
      tf.dispose([q, k, v]); // data() disposed got and want
    });
    expect(tf.memory().numTensors).toBe(n0);
  });
});

describe('embeddings', () => {
  it('patchify: row-major patches, each flattened (C, p, q) like a conv weight', () => {
    const x = tf.reshape(tf.range(0, 16), [1, 4, 4, 1]);
    expect(data(patchify(x, 2))).toEqual([0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15]);
    // Two channels: token 0 holds channel 0 of the 2x2 patch, then channel 1.
    const x2 = tf.tensor4d([
      [
        [
          [0, 100],
          [1, 101],
        ],
        [
          [2, 102],
          [3, 103],
        ],
      ],
    ]); // (1, 2, 2, 2)
    expect(data(patchify(x2, 2))).toEqual([0, 1, 2, 3, 100, 101, 102, 103]);
    expect(data(patchify(x2, 2, 'pqc'))).toEqual([0, 100, 1, 101, 2, 102, 3, 103]);
    tf.dispose([x, x2]);
  });

  it('patch-embed: patchify then matmul with the (D, C, p, p) weight equals a stride-p conv2d', () => {
    const [N, I, C, D, p] = [2, 8, 4, 6, 2];
    const x = tf.randomNormal([N, I, I, C], 0, 1, 'float32', 7);
    const w = tf.randomNormal([D, C, p, p], 0, 1, 'float32', 8); // PyTorch conv layout
    const viaMatmul = tf.matMul(tf.reshape(patchify(x, p), [-1, C * p * p]), tf.reshape(w, [D, -1]), false, true);
    const viaConv = tf.conv2d(x as tf.Tensor4D, tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, p, 'valid'); // (N, 4, 4, D)
    close(data(viaMatmul), data(tf.reshape(viaConv, [-1, D])), 1e-4);
    tf.dispose([x, w, viaConv]);
  });

  it('unpatchify: token (h, w) feature (i, j, c) lands at pixel (h p + i, w p + j), channel c', () => {
    const [p, c, g] = [2, 3, 2];
    const tokens = tf.reshape(tf.range(0, g * g * p * p * c), [1, g * g, p * p * c]);
    const img = unpatchify(tokens, p, c).arraySync() as number[][][][];
    for (let h = 0; h < g; h++)
      for (let w = 0; w < g; w++)
        for (let i = 0; i < p; i++)
          for (let j = 0; j < p; j++)
            for (let k = 0; k < c; k++) {
              expect(img[0][h * p + i][w * p + j][k]).toBe((h * g + w) * p * p * c + (i * p + j) * c + k);
            }
    tokens.dispose();
  });

  it('unpatchify: patchify then unpatchify is the identity (both feature orders, p = 1, 2, 4)', () => {
    const x = tf.randomNormal([3, 8, 8, 4], 0, 1, 'float32', 11);
    for (const p of [1, 2, 4])
      for (const order of ['cpq', 'pqc'] as const) {
        expect(data(unpatchify(patchify(x, p, order), p, 4, order))).toEqual(Array.from(x.dataSync()));
      }
    x.dispose();
  });

  it('sincos-1d: [sin(m w_i), cos(m w_i)] with w_i = 10000^(-i/(D/2))', () => {
    const [row0, row3] = sinCos1d(4, [0, 3]);
    expect(Array.from(row0)).toEqual([0, 0, 1, 1]);
    close(row3, [Math.sin(3), Math.sin(0.03), Math.cos(3), Math.cos(0.03)], 1e-12);
  });

  it('pos-embed-2d: first half encodes the column, second half the row (MAE meshgrid order)', () => {
    const e = get2dSinCosPosEmbed(8, 3); // 9 tokens x 8
    const tok = (r: number, c: number) => Array.from(e.slice((r * 3 + c) * 8, (r * 3 + c + 1) * 8));
    const enc = (m: number) => [Math.sin(m), Math.sin(m / 100), Math.cos(m), Math.cos(m / 100)];
    close(tok(0, 0), [...enc(0), ...enc(0)], 1e-6);
    close(tok(0, 2), [...enc(2), ...enc(0)], 1e-6);
    close(tok(1, 2), [...enc(2), ...enc(1)], 1e-6);
    close(tok(2, 1), [...enc(1), ...enc(2)], 1e-6);
  });

  it('timestep-embedding: [cos(t f_i), sin(t f_i)], f_i = exp(-ln(10000) i / half)', () => {
    const e = timestepEmbedding(tf.tensor1d([0, 2, 7.5]), 4);
    // half = 2: f = [1, 0.01]
    close(
      data(e),
      [1, 1, 0, 0, Math.cos(2), Math.cos(0.02), Math.sin(2), Math.sin(0.02), Math.cos(7.5), Math.cos(0.075), Math.sin(7.5), Math.sin(0.075)],
      1e-6,
    );
    const big = timestepEmbedding(tf.tensor1d([999]), 256);
    expect(big.shape).toEqual([1, 256]);
    close(data(tf.slice(big, [0, 0], [1, 1])), [Math.cos(999)], 2e-4);
    close(data(tf.slice(big, [0, 255], [1, 1])), [Math.sin(999 * Math.exp((-Math.log(10000) * 127) / 128))], 1e-6);
    big.dispose();
  });

  it('label-embedding: one-hot lookup of table rows; the null class is the last row', () => {
    const table = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]); // 2 classes + null
    expect(data(embedLabels(tf.tensor1d([1, 0, 2], 'int32'), table))).toEqual([3, 4, 1, 2, 5, 6]);
    expect(data(dropLabels(tf.tensor1d([0, 1, 1], 'int32'), tf.tensor1d([1, 0, 1], 'bool'), 2))).toEqual([2, 1, 2]);
    const frac = data(tf.mean(tf.cast(labelDropMask(20000, 0.1, 5), 'float32')))[0];
    expect(Math.abs(frac - 0.1)).toBeLessThan(0.01);
    table.dispose();
  });
});
