/**
 * What turns inputs into tokens and tokens back into a latent: patchify / unpatchify, the fixed 2D
 * sin-cos position embedding, the sinusoidal timestep features, and the label lookup.
 *
 * Layout: latents are NHWC, (N, H, W, C) with H = W = I. Letters: N batch, T tokens = (I/p)^2,
 * D hidden, C channels, p patch, K label-table rows.
 */
import { tf } from '../tf';

type Tensor = tf.Tensor;

// ---------------------------------------------------------------------------------------------
// Patchify / unpatchify
// ---------------------------------------------------------------------------------------------

/**
 * How the p*p*C values of a patch are flattened. 'cpq' is a PyTorch conv weight's (C, p, q) order,
 * used on the way in (x_embedder.proj.weight is (D, C, p, p)); 'pqc' is what the official final layer
 * emits (models.py unpatchify: reshape (N, h, w, p, p, c)).
 */
export type PatchOrder = 'cpq' | 'pqc';

/**
 * Eq. patchify: cut x (N, I, I, C) into T = (I/p)^2 patches, row-major over the patch grid, each
 * flattened in `order`. With 'cpq', a matmul with the conv weight reshaped to (D, C*p*p) equals the
 * official stride-p Conv2d patch embedding. Returns (N, T, C*p*p).
 */
export function patchify(x: Tensor, p: number, order: PatchOrder = 'cpq'): Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  if (h % p !== 0 || w % p !== 0) throw new Error(`patchify: input ${h}x${w} is not divisible by patch size ${p}`);
  const gh = h / p;
  const gw = w / p;
  const x6 = tf.reshape(x, [n, gh, p, gw, p, c]); // (N, h, p, w, q, C)
  const perm = order === 'cpq' ? [0, 1, 3, 5, 2, 4] : [0, 1, 3, 2, 4, 5]; // -> (N, h, w, C, p, q) or (N, h, w, p, q, C)
  return tf.reshape(tf.transpose(x6, perm), [n, gh * gw, c * p * p]); // (N, T, C*p*p)
}

/**
 * Eq. unpatchify: tokens (N, T, p*p*C), features in `order` ('pqc', as the official final layer
 * emits them: models.py reshapes to (N, h, w, p, p, c) and einsums nhwpqc->nchpwq), back to a latent
 * (N, h*p, w*p, C) in NHWC. unpatchify(patchify(x, p, o), p, C, o) = x for either order.
 */
export function unpatchify(x: Tensor, p: number, c: number, order: PatchOrder = 'pqc'): Tensor {
  const [n, t, f] = x.shape as [number, number, number];
  const g = Math.round(Math.sqrt(t));
  if (g * g !== t) throw new Error(`unpatchify: ${t} tokens is not a square grid`);
  if (f !== p * p * c) throw new Error(`unpatchify: ${f} features per token, expected p*p*C = ${p * p * c}`);
  if (order === 'pqc') {
    const x6 = tf.reshape(x, [n, g, g, p, p, c]); // (N, h, w, p, q, C)
    return tf.reshape(tf.transpose(x6, [0, 1, 3, 2, 4, 5]), [n, g * p, g * p, c]); // (N, H, W, C)
  }
  const x6 = tf.reshape(x, [n, g, g, c, p, p]); // (N, h, w, C, p, q)
  return tf.reshape(tf.transpose(x6, [0, 1, 4, 2, 5, 3]), [n, g * p, g * p, c]); // (N, H, W, C)
}

// The fixed 2D sin-cos position embedding lives in pos-embed.ts (no tfjs: widgets use it on the page).
export { sinCos1d, get2dSinCosPosEmbed } from './pos-embed';

// ---------------------------------------------------------------------------------------------
// Timestep and label embeddings
// ---------------------------------------------------------------------------------------------

/**
 * Eq. timestep-embedding: [cos(t f_i), sin(t f_i)], f_i = exp(-ln(maxPeriod) i / half), i < half.
 * t (N) float (may be fractional). Returns (N, dim). Computed in float32 like models.py.
 */
export function timestepEmbedding(t: Tensor, dim = 256, maxPeriod = 10000): Tensor {
  const half = Math.floor(dim / 2);
  const n = t.shape[0] as number;
  const i = tf.range(0, half, 1, 'float32');
  const freqs = tf.exp(tf.mul(-Math.log(maxPeriod), tf.div(i, half))); // (half)
  const args = tf.mul(tf.expandDims(tf.cast(t, 'float32'), 1), tf.expandDims(freqs, 0)); // (N, half)
  const emb = tf.concat([tf.cos(args), tf.sin(args)], 1); // (N, 2*half)
  return dim % 2 ? tf.concat([emb, tf.zeros([n, 1])], 1) : emb;
}

/**
 * y_emb = table[y], the row of the label (the null class is row numClasses).
 * Looked up by one-hot matmul: (N) int labels -> (N, D) rows of table (K, D). The gradient of
 * tf.gather needs UnsortedSegmentSum, which the wasm backend lacks (ARCHITECTURE.md).
 */
export function embedLabels(y: Tensor, table: Tensor): Tensor {
  const oneHot = tf.cast(tf.oneHot(tf.cast(y, 'int32'), table.shape[0]), 'float32'); // (N, K)
  return tf.matMul(oneHot as tf.Tensor2D, table as tf.Tensor2D); // (N, D)
}

/** (N) bool mask, true with probability prob: which labels to drop in training. */
export function labelDropMask(n: number, prob: number, seed?: number): Tensor {
  return tf.less(tf.randomUniform([n], 0, 1, 'float32', seed), prob);
}

/**
 * Label dropout for classifier-free guidance (models.py LabelEmbedder.token_drop): where drop is
 * true the label becomes the null class numClasses.
 */
export function dropLabels(y: Tensor, drop: Tensor, numClasses: number): Tensor {
  return tf.where(tf.cast(drop, 'bool'), tf.fill(y.shape, numClasses, 'int32'), tf.cast(y, 'int32'));
}
