/**
 * Splitting and joining tensors along their last axis (channels, features) in a way that is fast on
 * tfjs-wasm. Along an inner axis its Concat, and Slice even as lib/backend/wasm-slice.ts replaces it,
 * are JavaScript loops that copy one innermost row at a time: splitting a (32, 8, 8, 8) network
 * output into eps and v takes 1,024 small copies per part, and in Chromium each costs about a
 * microsecond. Here the split axis is moved to the front by one transpose (a compiled kernel), where
 * every part is one contiguous block. Both are differentiable and give the same values as tf.split
 * and tf.concat on the last axis.
 */
import { tf } from '../tf';

type Tensor = tf.Tensor;

/** x (..., k*c) -> k tensors (..., c), in order: tf.split(x, k, -1). */
export function splitLastAxis(x: Tensor, k: number): Tensor[] {
  const width = x.shape[x.rank - 1] as number;
  if (width % k !== 0) throw new Error(`splitLastAxis: ${width} features do not split into ${k} equal parts`);
  const c = width / k;
  const lead = x.shape.slice(0, -1);
  const byPart = tf.transpose(tf.reshape(x, [-1, k, c]), [1, 0, 2]); // (k, rows, c)
  return tf.split(byPart, k, 0).map((p) => tf.reshape(p, [...lead, c]));
}

/** Tensors of one shape (..., c) -> (..., k*c): tf.concat(parts, -1). */
export function concatLastAxis(parts: Tensor[]): Tensor {
  const shape = parts[0].shape;
  if (parts.some((p) => p.shape.join() !== shape.join())) throw new Error('concatLastAxis: the parts must have one shape');
  const c = shape[shape.length - 1] as number;
  const byPart = tf.stack(parts.map((p) => tf.reshape(p, [-1, c]))); // (k, rows, c)
  return tf.reshape(tf.transpose(byPart, [1, 0, 2]), [...shape.slice(0, -1), parts.length * c]);
}
