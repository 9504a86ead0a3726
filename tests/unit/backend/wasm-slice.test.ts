/**
 * lib/backend/wasm-slice.ts: the wasm backend's Slice and SplitV, replaced, against the cpu
 * backend's (tfjs's reference kernels) on every rank, dtype and kind of slice the models use.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';

/** Runs f on the cpu backend and on wasm with the same input, and returns both results' values. */
async function both(make: () => tf.Tensor, f: (x: tf.Tensor) => tf.Tensor | tf.Tensor[]): Promise<[number[][], number[][]]> {
  const run = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    const x = make();
    const out = f(x);
    const parts = Array.isArray(out) ? out : [out];
    const values = parts.map((p) => [...p.shape, -1, ...Array.from(p.dataSync())]);
    tf.dispose([x, ...parts]);
    return values;
  };
  return [await run('cpu'), await run('wasm')];
}

describe('wasm Slice and SplitV', () => {
  beforeAll(async () => {
    await setNodeBackend('wasm');
  });

  it('replace the package kernels', () => {
    expect(tf.getKernel('Slice', 'wasm')?.kernelFunc.toString()).toMatch(/own\.kernelFunc/);
    expect(tf.getKernel('SplitV', 'wasm')?.kernelFunc.toString()).toMatch(/own\.kernelFunc/);
  });

  it('slice every rank from 1 to 6 along any axes, contiguous or not, float32, int32 and bool', async () => {
    const shapes = [[7], [4, 5], [3, 4, 5], [2, 3, 4, 5], [2, 2, 3, 2, 3], [2, 1, 2, 3, 2, 2]];
    for (const shape of shapes) {
      const n = shape.reduce((a, b) => a * b, 1);
      const begins = [shape.map(() => 0), shape.map((d) => (d > 1 ? 1 : 0))];
      const sizes = [
        shape.map((d) => d),
        shape.map((d, i) => (d > 1 ? d - 1 : 1) - (i === 0 && d > 2 ? 1 : 0)),
        shape.map((d, i) => (i === 0 ? Math.max(1, d - 1) : -1)),
      ];
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        for (const b of begins)
          for (const s of sizes) {
            const size = s.map((v, i) => (v === -1 ? -1 : Math.min(v, shape[i] - b[i])));
            const [ref, got] = await both(
              () =>
                tf.tensor(
                  Array.from({ length: n }, (_, i) => (dtype === 'bool' ? (i % 3 === 0 ? 1 : 0) : i * 1.5 - 7)),
                  shape,
                  dtype,
                ),
              (x) => tf.slice(x, b, size),
            );
            expect(got, `${dtype} [${shape}] begin [${b}] size [${size}]`).toEqual(ref);
          }
      }
    }
  });

  it('split along every axis, into equal and unequal parts', async () => {
    const shape = [6, 6, 6];
    const make = () => tf.reshape(tf.range(0, 216), shape);
    for (let axis = 0; axis < 3; axis++) {
      for (const parts of [2, 3, [1, 2, 3]] as const) {
        const [ref, got] = await both(make, (x) => tf.split(x, parts as number | number[], axis));
        expect(got, `axis ${axis} parts ${parts}`).toEqual(ref);
      }
    }
  });

  it('leaves no tensor behind and keeps gradients working', () => {
    const x = tf.randomNormal([3, 4, 6], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.split(t, 3, 2)[1], tf.slice(t, [0, 0, 3], [-1, -1, 2]))))(x);
    expect(g.shape).toEqual([3, 4, 6]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
