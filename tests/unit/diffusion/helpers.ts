/** Small helpers shared by the diffusion tests (not a test file itself). */
import { expect } from 'vitest';
import { tf } from '@/lib/tf';
import { randn } from '@/lib/random';

export type Shape4 = [number, number, number, number];

export function randTensor(shape: Shape4, seed: number, scale = 1): tf.Tensor4D {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(randn(n, seed).map((v) => v * scale), shape);
}

export function arr(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Max |a - b| over all entries, broadcasting b when it has one value per batch item. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): number {
  const d = maxAbsDiff(a, b);
  expect(d, `max abs diff ${d} > ${tol}`).toBeLessThanOrEqual(tol);
  return d;
}

/** Run fn and check that it leaves tf.memory().numTensors unchanged (after disposing what it returns). */
export async function expectNoLeak(fn: () => unknown): Promise<void> {
  const before = tf.memory().numTensors;
  const out = await fn();
  disposeAll(out);
  expect(tf.memory().numTensors).toBe(before);
}

/** Dispose every tensor in a nest of objects and arrays (nulls allowed, unlike tf.dispose's types). */
export function disposeAll(x: unknown): void {
  if (x instanceof tf.Tensor) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeAll);
  else if (x && typeof x === 'object') Object.values(x).forEach(disposeAll);
}
