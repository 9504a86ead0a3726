/**
 * Forward cost of a DiT per image, counted as the paper counts it: multiply-accumulates of the matrix
 * products (linear layers, the patch-embedding convolution, and attention's QK^T and AV), so one
 * "flop" = one multiply-add. Norms, softmax, activations and the VAE are excluded. With this counting
 * every model of paper Table 4 and the four conditioning blocks of XL/2 come out within 0.6 % (the paper rounds to two decimals)
 * (tests/unit/dit/flops.test.ts).
 *
 * Letters: T tokens, D hidden, C channels, p patch.
 */
import { type DiTConfig, numPatches, outChannels, validateConfig } from './config';
import { FREQUENCY_EMBEDDING_SIZE, countParameters, mlpHidden, modulationChunks } from './params';

export interface FlopsBreakdown {
  patchEmbed: number;
  timestepEmbed: number;
  /** All blocks together. */
  blocks: number;
  /** Per block: attention projections, attention matrices, cross-attention, MLP, modulation. */
  perBlock: { qkvProj: number; attnMatrices: number; crossAttn: number; mlp: number; modulation: number };
  finalLayer: number;
  total: number;
}

/** Multiply-accumulates of one forward pass for one image. */
export function countFlops(c: DiTConfig): FlopsBreakdown {
  validateConfig(c);
  const D = c.hiddenSize;
  const T = numPatches(c);
  const p = c.patchSize;
  // In-context conditioning appends t and y as two tokens that every block processes.
  const Tb = c.conditioning === 'in-context' ? T + 2 : T;
  const patchEmbed = T * c.inChannels * p * p * D;
  const timestepEmbed = FREQUENCY_EMBEDDING_SIZE * D + D * D;
  const qkvProj = 3 * Tb * D * D + Tb * D * D; // qkv, then the output projection
  const attnMatrices = 2 * Tb * Tb * D; // QK^T and AV, summed over heads
  // Cross-attention: queries from T tokens, keys/values from the 2 conditioning tokens.
  const crossAttn = c.conditioning === 'cross-attention' ? T * D * D + 2 * 2 * D * D + 2 * T * 2 * D + T * D * D : 0;
  const mlp = 2 * Tb * D * mlpHidden(c);
  const modulation = modulationChunks(c) * D * D; // once per image, not per token
  const perBlock = { qkvProj, attnMatrices, crossAttn, mlp, modulation };
  const blocks = c.depth * (qkvProj + attnMatrices + crossAttn + mlp + modulation);
  const finalLayer = T * D * p * p * outChannels(c) + (modulationChunks(c) > 0 ? 2 * D * D : 0);
  const total = patchEmbed + timestepEmbed + blocks + finalLayer;
  return { patchEmbed, timestepEmbed, blocks, perBlock, finalLayer, total };
}

/** Gflops (10^9 multiply-accumulates) per image, the paper's unit. */
export function gflops(c: DiTConfig): number {
  return countFlops(c).total / 1e9;
}

/** Trainable parameters (pos_embed excluded: it is fixed); `includeFrozen` adds it. */
export function params(c: DiTConfig, opts: { includeFrozen?: boolean } = {}): number {
  validateConfig(c);
  return countParameters(c, opts);
}
