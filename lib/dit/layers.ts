/**
 * The small layers a DiT block is made of, written out because the chapters teach them: the linear
 * layer (with a gradient that is fast on wasm), batched matmul, LayerNorm without affine parameters,
 * tanh-GELU, modulate and multi-head attention.
 *
 * Letters: N batch, T tokens, S context tokens, D hidden, H heads, d head size, M rows (N*T).
 */
import { tf } from '../tf';

type Tensor = tf.Tensor;

// ---------------------------------------------------------------------------------------------
// Linear and batched matmul with untransposed gradients
// ---------------------------------------------------------------------------------------------
// tfjs-wasm multiplies untransposed matrices about 10x faster than with either input transposed, and
// the stock matMul gradient uses the transposed forms (ARCHITECTURE.md). These gradients transpose
// the (small or once-used) operand explicitly and then multiply untransposed.

type GradArgs = Array<Tensor | tf.GradSaveFunc>;

/**
 * Transpose of an (M, K) matrix. The wasm backend's rank-2 transpose is 2-6x slower than its rank-3
 * one on the (4096, 128..512) activations of a batch-256 step (measured, scripts/bench/profile.ts), so
 * view M as (M/b, b) and move K to the front.
 */
export function transpose2d(x: Tensor): Tensor {
  const [m, k] = x.shape as [number, number];
  for (const b of [64, 32, 16]) {
    if (m % b === 0 && m > b) return tf.reshape(tf.transpose(tf.reshape(x, [m / b, b, k]), [2, 0, 1]), [k, m]);
  }
  return tf.transpose(x);
}

const linear2d = tf.customGrad((...args: GradArgs) => {
  const [x, w, b, save] = args as [Tensor, Tensor, Tensor, tf.GradSaveFunc];
  const x2 = x as tf.Tensor2D; // (M, in)
  const wT = tf.transpose(w as tf.Tensor2D); // (in, out): small
  const value = tf.add(tf.matMul(x2, wT), b); // (M, out)
  save([x2, w]);
  return {
    value,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D; // (M, out)
      const m = xs.shape[0];
      const outF = dy2.shape[1];
      const dx = tf.matMul(dy2, ws); // (M, in)
      const dyT = transpose2d(dy2) as tf.Tensor2D; // (out, M)
      const dw = tf.matMul(dyT, xs); // (out, in) = dy^T x
      // db = dy^T 1 as a matmul on the transpose already made: wasm's Sum over axis 0 transposes first,
      // and 1^T dy has XNNPACK pack all of dy as if it were a weight (1.6 ms at M = 1024, out = 384).
      const db = tf.reshape(tf.matMul(dyT, tf.ones([m, 1]) as tf.Tensor2D), [outF]); // (out)
      return [dx, dw, db];
    },
  };
});

/**
 * y = x W^T + b with W stored as PyTorch stores it, (out, in). x may have any leading dimensions.
 */
export function linear(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const inF = x.shape[x.rank - 1];
  const lead = x.shape.slice(0, -1);
  const y = linear2d(tf.reshape(x, [-1, inF]), w, b); // (M, out)
  return x.rank === 2 ? y : tf.reshape(y, [...lead, w.shape[0]]);
}

/**
 * Inference-only linear: y = x W^T + b with W^T (in, out) already transposed by the caller and kept
 * between calls (DiT.infer caches one per weight). One fused matmul adds the bias. No custom gradient:
 * nothing flows back to W from here. On wasm this is the fast path twice over: the matmul is
 * untransposed, and XNNPACK packs a weight once per tensor and reuses the packed copy for as long as
 * the same W^T tensor lives (tfjs-backend-wasm caches its fully-connected operator by the weight's
 * id), where linear() hands it a fresh transpose, to be packed again, on every call.
 */
export function linearPretransposed(x: Tensor, wT: Tensor, b: Tensor): Tensor {
  if (x.rank === 2) return tf.fused.matMul({ a: x as tf.Tensor2D, b: wT as tf.Tensor2D, bias: b });
  const inF = x.shape[x.rank - 1];
  const lead = x.shape.slice(0, -1);
  const y = tf.fused.matMul({ a: tf.reshape(x, [-1, inF]) as tf.Tensor2D, b: wT as tf.Tensor2D, bias: b }); // (M, out)
  return tf.reshape(y, [...lead, wT.shape[1] as number]);
}

const bmmOp = tf.customGrad((...args: GradArgs) => {
  const [a, b, save] = args as [Tensor, Tensor, tf.GradSaveFunc];
  const value = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D); // (B, m, n)
  save([a, b]);
  return {
    value,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [as, bs] = saved as tf.Tensor3D[];
      const dyy = dy as tf.Tensor3D;
      const da = tf.matMul(dyy, tf.transpose(bs, [0, 2, 1])); // (B, m, k)
      const db = tf.matMul(tf.transpose(as, [0, 2, 1]), dyy); // (B, k, n)
      return [da, db];
    },
  };
});

/** Batched a @ b over the leading dimensions: (..., m, k) @ (..., k, n) -> (..., m, n). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  const lead = a.shape.slice(0, -2);
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.rank - 1];
  const out = bmmOp(tf.reshape(a, [-1, m, k]), tf.reshape(b, [-1, k, n]));
  return tf.reshape(out, [...lead, m, n]);
}

// ---------------------------------------------------------------------------------------------
// Norm, activations, modulate
// ---------------------------------------------------------------------------------------------

/**
 * LayerNorm over the last axis without affine parameters (elementwise_affine=False, eps 1e-6),
 * biased variance as PyTorch. Hand-written gradient (fewer saved intermediates):
 * dx = rstd (dy - mean(dy) - xhat mean(dy xhat)).
 */
export const layerNorm: (x: Tensor, eps?: number) => Tensor = (x: Tensor, eps = 1e-6) => layerNormOp(x, tf.scalar(eps));

/** x normalised over its last axis, xhat = (x - mean) rstd, and rstd = 1 / sqrt(var + eps). */
function normalize(x: Tensor, eps: Tensor | number): { xhat: Tensor; rstd: Tensor } {
  const axis = x.rank - 1;
  const xc = tf.sub(x, tf.mean(x, axis, true));
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), axis, true), eps));
  return { xhat: tf.mul(xc, rstd), rstd };
}

/**
 * layerNorm for inference (DiT.infer): the same values without a custom gradient's bookkeeping,
 * which costs more than the small kernels themselves at sampling batch sizes.
 */
export function layerNormNoGrad(x: Tensor, eps = 1e-6): Tensor {
  return normalize(x, eps).xhat;
}

const layerNormOp = tf.customGrad((...args: GradArgs) => {
  const [x, eps, save] = args as [Tensor, Tensor, tf.GradSaveFunc];
  const { xhat, rstd } = normalize(x, eps);
  save([xhat, rstd]);
  return {
    value: xhat,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [xh, rs] = saved;
      const ax = xh.rank - 1;
      const inner = tf.sub(tf.sub(dy, tf.mean(dy, ax, true)), tf.mul(xh, tf.mean(tf.mul(dy, xh), ax, true)));
      return [tf.mul(rs, inner), tf.zerosLike(eps)];
    },
  };
});

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/**
 * GELU(x) ~ 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3), i.e.
 * nn.GELU(approximate="tanh"). Computed as x * sigmoid(2u), the same function (0.5 (1 + tanh(u)) =
 * sigmoid(2u)), because wasm's Sigmoid is about 10x faster than its Tanh (measured). The gradient is
 * written out: autodiff would keep a copy of every intermediate (tfjs clones saved tensors); this
 * keeps x only.
 */
export const geluTanh: (x: Tensor) => Tensor = tf.customGrad((...args: GradArgs) => {
  const [x, save] = args as [Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: geluTanhNoGrad(x),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [xs] = saved;
      const xx = tf.square(xs);
      const sg = tf.sigmoid(tf.mul(xs, tf.add(2 * GELU_C, tf.mul(2 * GELU_C * GELU_A, xx))));
      // d/dx [x s(2u)] = s + x * s (1 - s) * 2u',  2u' = 2 sqrt(2/pi) (1 + 3a x^2)
      const du2 = tf.add(2 * GELU_C, tf.mul(6 * GELU_C * GELU_A, xx));
      const d = tf.add(sg, tf.mul(tf.mul(xs, tf.mul(sg, tf.sub(1, sg))), du2));
      return [tf.mul(dy, d)];
    },
  };
}) as (x: Tensor) => Tensor;

/** geluTanh's value without the custom gradient, for inference (DiT.infer). */
export function geluTanhNoGrad(x: Tensor): Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, tf.add(2 * GELU_C, tf.mul(2 * GELU_C * GELU_A, tf.square(x)))))); // x sigmoid(2u)
}

/** SiLU(x) = x * sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** Eq. modulate: x * (1 + scale) + shift, with per-sample shift and scale broadcast over tokens. */
export function modulate(x: Tensor, shift: Tensor, scale: Tensor): Tensor {
  // x (N, T, D); shift, scale (N, D)
  return tf.add(tf.mul(x, tf.add(1, tf.expandDims(scale, 1))), tf.expandDims(shift, 1));
}

// ---------------------------------------------------------------------------------------------
// Attention
// ---------------------------------------------------------------------------------------------

/**
 * (H, N, T, d) -> (N, T, H*d). The batched-matmul kernel keeps attention head-first: any order of the
 * two leading axes does for the per-head products, and this one needs no rank-5 transpose.
 */
function mergeHeads(x: Tensor): Tensor {
  const [h, n, t, d] = x.shape;
  return tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [n, t, h * d]);
}

/**
 * Eq. attention: softmax(Q K^T / sqrt(d)) V per head. q (A, B, T, d), k and v (A, B, S, d), where
 * the two leading axes are samples and heads in either order (N, H; or H, N, as DiT runs it).
 * Returns the mixed values (A, B, T, d) and the probabilities (A, B, T, S).
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor): { out: Tensor; probs: Tensor } {
  const d = q.shape[3] as number;
  const kT = tf.transpose(k, [0, 1, 3, 2]); // (A, B, d, S)
  const logits = bmm(tf.mul(q, 1 / Math.sqrt(d)), kT); // (A, B, T, S)
  const probs = tf.softmax(logits); // over S
  return { out: bmm(probs, v), probs };
}

/**
 * How attention multiplies its (N*H) small matrices. 'batched-matmul' is scaledDotProductAttention,
 * which returns the probabilities for traces. 'depthwise' is the same function as depthwise
 * convolutions (depthwiseAttention), forward and gradient. Both are differentiable.
 */
export type AttentionKernel = 'batched-matmul' | 'depthwise';

/**
 * The kernel DiT uses on the active backend when no trace asks for the probabilities. tfjs-wasm's
 * BatchMatMul ran the attention products of a B/1 sampling batch ([200, 64, 32] x [200, 32, 64]) at
 * 0.6 GMAC/s, about 9x below its 2-D matmul; its depthwise convolution (XNNPACK) ran the same product
 * 3x faster, transposes included. Whole sampler forwards: `npm run bench -- --sampler`
 * (scripts/bench/results-sampler.json). Other backends keep the batched matmul, their fast path.
 */
export function attentionKernel(): AttentionKernel {
  return tf.getBackend() === 'wasm' ? 'depthwise' : 'batched-matmul';
}

/**
 * Z[r, c, p] = sum_k X[r, k, c] Y[k, c, p] for every channel c, as one valid depthwise convolution:
 * X (R, K, C) is an image of R rows, K columns and C channels, Y (K, C, P) a (1, K) filter with P
 * outputs per channel. -> (R, C, P)
 */
function channelProduct(x: Tensor, y: Tensor): Tensor {
  const [r, k, c] = x.shape as [number, number, number];
  const p = y.shape[2] as number;
  const z = tf.depthwiseConv2d(tf.reshape(x, [1, r, k, c]) as tf.Tensor4D, tf.reshape(y, [1, k, c, p]) as tf.Tensor4D, 1, 'valid'); // (1, R, 1, C*P)
  return tf.reshape(z, [r, c, p]);
}

/**
 * Eq. attention per channel c = (sample, head) in the layouts channelProduct multiplies: q (T, d, C),
 * already scaled by 1/sqrt(d), keys kf (d, C, S), values v (S, C, d). logits[t, c, s] =
 * sum_k q[t, k, c] kf[k, c, s] (Q K^T), and out[t, c, k] = sum_s p[t, c, s] v[s, c, k] (P V).
 */
function channelAttention(q: Tensor, kf: Tensor, v: Tensor): { probs: Tensor; out: Tensor } {
  const probs = tf.softmax(channelProduct(q, kf)); // (T, C, S), over S
  return { probs, out: channelProduct(tf.transpose(probs, [0, 2, 1]), v) }; // (T, C, d)
}

/**
 * channelAttention with its gradient written out, as depthwise convolutions too (tfjs-wasm has no
 * depthwise backprop kernels). With dO the output's gradient (T, C, d):
 *   dP = dO V^T,  dL = P (dP - rowsum(dP P)) (softmax),  dV = P^T dO,  dQ = dL K,  dK = dL^T Q.
 */
const channelAttentionOp = tf.customGrad((...args: GradArgs) => {
  const [q, kf, v, save] = args as [Tensor, Tensor, Tensor, tf.GradSaveFunc];
  const { probs, out } = channelAttention(q, kf, v);
  save([q, kf, v, probs]);
  return {
    value: out,
    gradFunc: (dOut: Tensor, saved: Tensor[]) => {
      const [qs, ks, vs, p] = saved;
      const dP = channelProduct(tf.transpose(dOut, [0, 2, 1]), tf.transpose(vs, [2, 1, 0])); // (T, d, C) x (d, C, S) -> (T, C, S)
      const dL = tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), 2, true))); // (T, C, S)
      const dV = channelProduct(tf.transpose(p, [2, 0, 1]), dOut); // (S, T, C) x (T, C, d) -> (S, C, d)
      const dQ = channelProduct(tf.transpose(dL, [0, 2, 1]), tf.transpose(ks, [2, 1, 0])); // (T, S, C) x (S, C, d) -> (T, C, d)
      const dK = channelProduct(tf.transpose(dL, [2, 0, 1]), tf.transpose(qs, [0, 2, 1])); // (S, T, C) x (T, C, d) -> (S, C, d)
      return [tf.transpose(dQ, [0, 2, 1]), tf.transpose(dK, [2, 1, 0]), dV];
    },
  };
});

/**
 * Eq. attention as depthwise convolutions, one channel per (sample, head) pair c = (n, h): with the
 * query as a (T, d) image of N*H channels and the keys as a (1, d) filter with S outputs per channel,
 * a valid convolution gives logits[i, c, j] = sum_k q[c, i, k] key[c, j, k], i.e. Q K^T per head; the
 * probabilities as a (T, S) image and the values as a (1, S) filter with d outputs give
 * sum_j p[c, i, j] v[c, j, k] = P V. q (N, T, H, d), k and v (N, S, H, d) -> (N, T, H*d).
 * `grad` false (inference) leaves out the custom gradient's bookkeeping.
 */
export function depthwiseAttention(q: Tensor, k: Tensor, v: Tensor, grad = true): Tensor {
  const [n, t, h, d] = q.shape as [number, number, number, number];
  const s = k.shape[1] as number;
  const c = n * h;
  const qc = tf.reshape(tf.transpose(tf.mul(q, 1 / Math.sqrt(d)), [1, 3, 0, 2]), [t, d, c]); // (T, d, C)
  const kf = tf.reshape(tf.transpose(k, [3, 0, 2, 1]), [d, c, s]); // (d, C, S)
  const vc = tf.reshape(tf.transpose(v, [1, 0, 2, 3]), [s, c, d]); // (S, C, d)
  const out = grad ? channelAttentionOp(qc, kf, vc) : channelAttention(qc, kf, vc).out; // (T, C, d)
  return tf.transpose(tf.reshape(out, [t, n, h * d]), [1, 0, 2]); // (N, T, H*d)
}

/** A linear layer with its weights bound: linear(x, W, b) in training, linearPretransposed in inference. */
export type Linear = (x: Tensor) => Tensor;

/**
 * A projection to k stacked outputs (q, k, v; or k, v) as k linears, one per output, each on its
 * block of rows of the stacked weight (DiT's qkv.weight is (3D, D)). Never one linear whose output is
 * split: three matmuls cost no more than one, and a split copies the activations once more. With
 * tfjs-wasm's own Slice, which copied its whole input to a fresh buffer per part (lib/backend/
 * wasm-slice.ts now replaces it), the qkv split of a batch-32 sampling step took 51 of the forward's
 * 110 ms in Chromium (6 ms in Node), and 45 of 600 ms in a batch-64 training step.
 */
export type StackedLinear = readonly Linear[];

export interface AttentionLinears {
  qkv: StackedLinear;
  proj: Linear;
}

/** (N, S, Din) -> one tensor (N, S, H, d) per projection of x. */
function projectTokenMajor(x: Tensor, l: StackedLinear, heads: number): Tensor[] {
  const [n, s] = x.shape as [number, number, number];
  return l.map((f) => {
    const y = f(x); // (N, S, H*d)
    return tf.reshape(y, [n, s, heads, (y.shape[2] as number) / heads]);
  });
}

/** The same projections head-first, (H, N, S, d) each, for the batched-matmul kernel. */
function projectHeadFirst(x: Tensor, l: StackedLinear, heads: number): Tensor[] {
  return projectTokenMajor(x, l, heads).map((p) => tf.transpose(p, [2, 0, 1, 3]));
}

/** Head-first probabilities (H, N, T, S) in the traces' layout (N, H, T, S). */
const probsForTrace = (p: Tensor) => tf.transpose(p, [1, 0, 2, 3]);

/** How an attention layer runs: its kernel, whether to return the probabilities, and with a gradient. */
export interface AttentionOptions {
  kernel?: AttentionKernel;
  /** Return the probabilities (N, H, T, S) (batched-matmul kernel only; traces). Default true. */
  withProbs?: boolean;
  /** false (inference) runs the depthwise kernel without its custom gradient. Default true. */
  grad?: boolean;
}

/** Queries from x (N, T, D), keys and values from ctx (N, S, D), heads mixed and projected: (N, T, D). */
function attention(
  x: Tensor,
  ctx: Tensor,
  q: Linear,
  kv: StackedLinear,
  proj: Linear,
  heads: number,
  opts: AttentionOptions,
): { out: Tensor; probs: Tensor | null } {
  const { kernel = 'batched-matmul', withProbs = true, grad = true } = opts;
  if (kv.length !== 2) throw new Error(`expected 2 projections (k, v), got ${kv.length}`);
  if (kernel === 'depthwise') {
    const [qs] = projectTokenMajor(x, [q], heads); // (N, T, H, d)
    const [ks, vs] = projectTokenMajor(ctx, kv, heads); // (N, S, H, d) each
    return { out: proj(depthwiseAttention(qs, ks, vs, grad)), probs: null };
  }
  const [qs] = projectHeadFirst(x, [q], heads); // (H, N, T, d)
  const [ks, vs] = projectHeadFirst(ctx, kv, heads); // (H, N, S, d) each
  const { out, probs } = scaledDotProductAttention(qs, ks, vs);
  return { out: proj(mergeHeads(out)), probs: withProbs ? probsForTrace(probs) : null };
}

/**
 * timm's Attention as DiT uses it: one qkv linear with bias (here its q, k and v parts), heads, output
 * projection. x (N, T, D) -> (N, T, D); probs (N, H, T, T) with the batched-matmul kernel when asked.
 */
export function selfAttention(x: Tensor, l: AttentionLinears, heads: number, opts: AttentionOptions = {}): { out: Tensor; probs: Tensor | null } {
  if (l.qkv.length !== 3) throw new Error(`expected 3 projections (q, k, v), got ${l.qkv.length}`);
  return attention(x, x, l.qkv[0], [l.qkv[1], l.qkv[2]], l.proj, heads, opts);
}

export interface CrossAttentionLinears {
  q: Linear;
  kv: StackedLinear;
  proj: Linear;
}

/**
 * Cross-attention (paper Figure 3): queries from the image tokens x (N, T, D), keys and values from
 * the conditioning tokens ctx (N, S, D) = [t_emb, y_emb] with S = 2.
 */
export function crossAttention(
  x: Tensor,
  ctx: Tensor,
  l: CrossAttentionLinears,
  heads: number,
  opts: AttentionOptions = {},
): { out: Tensor; probs: Tensor | null } {
  return attention(x, ctx, l.q, l.kv, l.proj, heads, opts);
}

/** timm's Mlp with tanh-GELU: fc1 -> GELU -> fc2 (`gelu`: geluTanhNoGrad for inference). */
export function mlp(x: Tensor, fc1: Linear, fc2: Linear, gelu: (x: Tensor) => Tensor = geluTanh): Tensor {
  return fc2(gelu(fc1(x)));
}
