import { describe, it, expect } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';

describe('tfjs in Node', () => {
  it('runs on wasm with gradients registered', async () => {
    expect(await setNodeBackend('wasm')).toBe('wasm');
    const b = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.matMul(x as tf.Tensor2D, b)))(tf.ones([2, 2]));
    expect(Array.from(g.dataSync())).toEqual([3, 7, 3, 7]);
  });
});
