/**
 * DiT.infer, the sampling path (cached W^T, fused bias): the same function as forward, following the
 * weights when they change, and leaving no tensor behind once the model is disposed.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { DiT } from '@/lib/dit/model';
import { linear, linearPretransposed, attentionKernel } from '@/lib/dit/layers';
import { CONDITIONINGS, getPreset, DEFAULT_MINI } from '@/lib/dit/config';
import { fixedValues, amplitudeFor, TINY, tinyInputs } from './fixed-weights';

const inputs = (n = 4, seed = 1) => tinyInputs(n, seed);

/** Fixed non-zero weights (salt varies them), so no branch is silenced by adaLN-Zero's zero init. */
function setFixed(m: DiT, salt = ''): void {
  const sd: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(m.stateDict()))
    sd[k] = k === 'pos_embed' ? v : tf.tensor(fixedValues(k + salt, v.shape, amplitudeFor(k, v.shape)), v.shape);
  m.loadStateDict(sd);
  for (const [k, t] of Object.entries(sd)) if (k !== 'pos_embed') t.dispose();
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

beforeAll(async () => {
  await setNodeBackend('wasm');
});

describe('DiT.infer', () => {
  it('linearPretransposed(x, W^T, b) equals linear(x, W, b)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 7], 0, 1, 'float32', 3);
      const w = tf.randomNormal([6, 7], 0, 1, 'float32', 4);
      const b = tf.randomNormal([6], 0, 1, 'float32', 5);
      const got = linearPretransposed(x, tf.transpose(w), b);
      expect(got.shape).toEqual([2, 5, 6]);
      expect(maxAbsDiff(got, linear(x, w, b))).toBeLessThan(1e-5);
    });
  });

  it('equals forward within 1e-5 for every conditioning and p = 1, 2, 4, with and without forced label drops', () => {
    for (const conditioning of CONDITIONINGS) {
      for (const patchSize of [1, 2, 4]) {
        const m = new DiT({ ...TINY, conditioning, patchSize });
        setFixed(m);
        const { x, t, y } = inputs();
        const drop = tf.tensor1d([1, 0, 0, 1], 'bool');
        const pairs: [tf.Tensor, tf.Tensor][] = [
          [m.forward(x, t, y), m.infer(x, t, y)],
          [m.forward(x, t, y, { forceDropIds: drop }), m.infer(x, t, y, { forceDropIds: drop })],
        ];
        for (const [ref, got] of pairs) {
          expect(got.shape).toEqual(ref.shape);
          expect(maxAbsDiff(ref, got), `${conditioning} p=${patchSize}`).toBeLessThan(1e-5);
        }
        // Not the same by accident: dropping labels changes the output.
        expect(maxAbsDiff(pairs[0][1], pairs[1][1])).toBeGreaterThan(1e-3);
        tf.dispose([x, t, y, drop, ...pairs.flat()]);
        m.dispose();
      }
    }
  });

  it('attention: the depthwise kernel (wasm default) equals the batched matmul for every conditioning', () => {
    expect(attentionKernel()).toBe('depthwise');
    for (const conditioning of CONDITIONINGS) {
      const m = new DiT({ ...TINY, conditioning, patchSize: 1 });
      setFixed(m);
      const { x, t, y } = inputs();
      expect(m.attention).toBe('auto');
      m.attention = 'batched-matmul';
      const ref = m.infer(x, t, y);
      m.attention = 'depthwise';
      const got = m.infer(x, t, y);
      expect(maxAbsDiff(ref, got), conditioning).toBeLessThan(1e-5);
      tf.dispose([x, t, y, ref, got]);
      m.dispose();
    }
  });

  it("holds one block's intermediates at a time: its peak memory is well below forward's for a deep model", async () => {
    const m = new DiT({ ...TINY, depth: 8, patchSize: 1 });
    setFixed(m);
    const { x, t, y } = inputs();
    m.infer(x, t, y).dispose(); // make the W^T cache first: it stays, and is not what is compared
    // Above what is already allocated (the weights and the W^T cache).
    const peak = async (f: () => tf.Tensor) => {
      const before = tf.memory().numBytes;
      const info = await tf.profile(() => {
        f().dispose();
      });
      return info.peakBytes - before;
    };
    const inferPeak = await peak(() => m.infer(x, t, y));
    const forwardPeak = await peak(() => m.forward(x, t, y));
    // forward keeps all 8 blocks' intermediates until its tidy ends; infer frees each block's.
    expect(inferPeak).toBeLessThan(forwardPeak / 3);
    tf.dispose([x, t, y]);
    m.dispose();
  });

  it('follows the weights: after loadStateDict and after an optimiser step it still equals forward', () => {
    const m = new DiT(TINY);
    setFixed(m);
    const { x, t, y } = inputs();
    const first = m.infer(x, t, y);
    setFixed(m, '/other');
    const ref = m.forward(x, t, y);
    const got = m.infer(x, t, y);
    expect(maxAbsDiff(first, got)).toBeGreaterThan(1e-2); // the new weights give another output
    expect(maxAbsDiff(ref, got)).toBeLessThan(1e-5);
    const opt = tf.train.adam(1e-2);
    opt.minimize(() => tf.mean(tf.square(m.forward(x, t, y, { train: true }))) as tf.Scalar, false, m.trainableVariables);
    opt.dispose();
    const ref2 = m.forward(x, t, y);
    const got2 = m.infer(x, t, y);
    expect(maxAbsDiff(got, got2)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(ref2, got2)).toBeLessThan(1e-5);
    tf.dispose([x, t, y, first, ref, got, ref2, got2]);
    m.dispose();
  });

  it('leaks nothing: the W^T cache is made once, kept across calls and weight changes, and freed by dispose', () => {
    const before = tf.memory().numTensors;
    const m = new DiT(getPreset(DEFAULT_MINI));
    const { x, t, y } = inputs(2);
    const withModel = tf.memory().numTensors;
    m.infer(x, t, y).dispose();
    const cached = tf.memory().numTensors - withModel;
    // A W^T and a bias per linear of DiT-mini-B/2 (adaLN-Zero, depth 6), or per part of a stacked
    // one: x_embedder, 2 timestep MLP layers, 12 per block (6 adaLN chunks, q, k, v, proj, fc1, fc2),
    // the final adaLN's 2 chunks and the final linear.
    expect(cached).toBe(2 * (1 + 2 + 12 * 6 + 2 + 1));
    for (let i = 0; i < 3; i++) m.infer(x, t, y).dispose();
    expect(tf.memory().numTensors - withModel).toBe(cached);
    setFixed(m);
    m.infer(x, t, y).dispose();
    expect(tf.memory().numTensors - withModel).toBe(cached);
    tf.dispose([x, t, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
