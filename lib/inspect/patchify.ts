/**
 * Patchify on plain typed arrays, for the patchify widget (components/widgets/PatchifyExplorer): the
 * same cut and the same flattening order as lib/dit/embeddings.ts patchify (checked against it in
 * tests/unit/inspect/patchify.test.ts), plus what the widget reads out beside it: the token count
 * and length, the Gflops of the mini models, and the similarity of the fixed 2D position codes.
 *
 * Latents are one NHWC latent without the batch axis: (I, I, C) row-major, index (r * I + c) * C + ch.
 * Letters: I latent side, C channels, p patch, g = I/p patch-grid side, T = g^2 tokens, D hidden.
 */
import { get2dSinCosPosEmbed } from '../dit/pos-embed';
import { gflops } from '../dit/flops';
import { PRESETS, MINI_SIZES, type MiniSize } from '../dit/config';

/** Where a token sits: patch-grid row i and column j, counted from 0, row by row (token k = i g + j). */
export function tokenPosition(token: number, g: number): { i: number; j: number } {
  return { i: Math.floor(token / g), j: token % g };
}

/** The token whose patch holds latent position (r, c). */
export function tokenAt(r: number, c: number, p: number, side: number): number {
  const g = side / p;
  return Math.floor(r / p) * g + Math.floor(c / p);
}

/**
 * Feature k of a patch vector, in the order the code flattens a patch ('cpq': channel, then row a in
 * the patch, then column b, as PyTorch's (D, C, p, p) conv weight reads it): k = ch p^2 + a p + b.
 */
export function featureAt(k: number, p: number): { ch: number; a: number; b: number } {
  return { ch: Math.floor(k / (p * p)), a: Math.floor((k % (p * p)) / p), b: k % p };
}

/**
 * Eq. patchify for one token: the p*p*C numbers of patch (i, j) of a (I, I, C) latent, flattened in
 * the code's 'cpq' order (featureAt). Returns a new Float32Array of length p^2 C.
 */
export function patchVector(latent: Float32Array, side: number, channels: number, p: number, token: number): Float32Array {
  const g = side / p;
  if (!Number.isInteger(g)) throw new Error(`patch size ${p} does not divide the latent side ${side}`);
  if (latent.length !== side * side * channels) throw new Error(`latent has ${latent.length} values, expected ${side}x${side}x${channels}`);
  const { i, j } = tokenPosition(token, g);
  const out = new Float32Array(p * p * channels);
  for (let ch = 0; ch < channels; ch++) {
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) out[ch * p * p + a * p + b] = latent[((i * p + a) * side + (j * p + b)) * channels + ch];
    }
  }
  return out;
}

/** Every token's patch vector: the (T, p^2 C) matrix the transformer's first layer multiplies, row-major. */
export function patchifyMatrix(latent: Float32Array, side: number, channels: number, p: number): Float32Array {
  const g = side / p;
  const n = p * p * channels;
  const out = new Float32Array(g * g * n);
  for (let k = 0; k < g * g; k++) out.set(patchVector(latent, side, channels, p, k), k * n);
  return out;
}

/** One channel of a (I, I, C) latent as an (I, I) row-major map. */
export function channelMap(latent: Float32Array, side: number, channels: number, ch: number): Float32Array {
  return Float32Array.from({ length: side * side }, (_, k) => latent[k * channels + ch]);
}

/**
 * Similarity of the fixed position code (Eq. pos-embed-2d) of one token to every token of a g x g grid:
 * e_k . e_token / (D / 2). Every code has squared norm D/2 (one sin^2 + cos^2 = 1 per frequency and
 * axis), so this is the cosine similarity, 1 on the token itself. Returns (T).
 */
export function positionSimilarity(dim: number, g: number, token: number): Float32Array {
  const emb = get2dSinCosPosEmbed(dim, g); // (T, D)
  const t = g * g;
  const out = new Float32Array(t);
  for (let k = 0; k < t; k++) {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += emb[k * dim + d] * emb[token * dim + d];
    out[k] = dot / (dim / 2);
  }
  return out;
}

export interface TokenRow {
  p: number;
  /** Tokens T = (I/p)^2. */
  tokens: number;
  /** Numbers per token, p^2 C. */
  tokenLength: number;
  /** Gflops of one forward pass (lib/dit/flops.ts counting) per mini size, e.g. { S: 0.002, B: ..., L: ... }. */
  gflops: Record<MiniSize, number>;
}

export const MINI_PATCH_SIZES = [1, 2, 4] as const;
export const TABLE_SIZES: MiniSize[] = ['S', 'B', 'L'];

/** Tokens, token length and Gflops of DiT-mini-{S,B,L}/p for p = 1, 2, 4 (the presets of lib/dit/config.ts). */
export function tokenTable(sizes: MiniSize[] = TABLE_SIZES): TokenRow[] {
  return MINI_PATCH_SIZES.map((p) => {
    const c = PRESETS[`DiT-mini-B/${p}`];
    const g = c.inputSize / p;
    return {
      p,
      tokens: g * g,
      tokenLength: p * p * c.inChannels,
      gflops: Object.fromEntries(sizes.map((s) => [s, gflops(PRESETS[`DiT-mini-${s}/${p}`])])) as Record<MiniSize, number>,
    };
  });
}

/** Hidden width D of a mini size (its position codes have this length). */
export function miniHidden(size: MiniSize): number {
  return MINI_SIZES[size].hiddenSize;
}
