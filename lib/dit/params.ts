/**
 * The parameter list of a DiT configuration: every tensor named by the official PyTorch state_dict
 * key (facebookresearch/DiT models.py) with PyTorch's shape. model.ts creates exactly these, the
 * weights loader checks against them, and flops.ts counts them.
 *
 * Letters: D hidden, C channels, p patch, T tokens, K classes.
 */
import { type DiTConfig, labelTableRows, numPatches, outChannels } from './config';

/** Size of the sinusoidal timestep features fed to the timestep MLP (models.py: 256). */
export const FREQUENCY_EMBEDDING_SIZE = 256;

export type ShapeMap = Record<string, number[]>;

/** Linear weights are stored as PyTorch stores them: (out, in). */
function linear(map: ShapeMap, name: string, inF: number, outF: number): void {
  map[`${name}.weight`] = [outF, inF];
  map[`${name}.bias`] = [outF];
}

export function mlpHidden(c: DiTConfig): number {
  return Math.trunc(c.hiddenSize * c.mlpRatio);
}

/** Modulation vectors per block: shift, scale (and gate for adaLN-Zero) for attention and for the MLP. */
export function modulationChunks(c: DiTConfig): number {
  return c.conditioning === 'adaLN-Zero' ? 6 : c.conditioning === 'adaLN' ? 4 : 0;
}

/**
 * Every state_dict entry, in the order models.py registers them. `pos_embed` is included (the official
 * model keeps it as a frozen nn.Parameter) but is not trainable.
 */
export function parameterShapes(c: DiTConfig): ShapeMap {
  const D = c.hiddenSize;
  const p = c.patchSize;
  const map: ShapeMap = {};
  map['x_embedder.proj.weight'] = [D, c.inChannels, p, p];
  map['x_embedder.proj.bias'] = [D];
  linear(map, 't_embedder.mlp.0', FREQUENCY_EMBEDDING_SIZE, D);
  linear(map, 't_embedder.mlp.2', D, D);
  map['y_embedder.embedding_table.weight'] = [labelTableRows(c), D];
  map['pos_embed'] = [1, numPatches(c), D];
  const chunks = modulationChunks(c);
  for (let i = 0; i < c.depth; i++) {
    const b = `blocks.${i}`;
    linear(map, `${b}.attn.qkv`, D, 3 * D);
    linear(map, `${b}.attn.proj`, D, D);
    if (c.conditioning === 'cross-attention') {
      linear(map, `${b}.cross_attn.q`, D, D);
      linear(map, `${b}.cross_attn.kv`, D, 2 * D);
      linear(map, `${b}.cross_attn.proj`, D, D);
    }
    linear(map, `${b}.mlp.fc1`, D, mlpHidden(c));
    linear(map, `${b}.mlp.fc2`, mlpHidden(c), D);
    // models.py: adaLN_modulation = Sequential(SiLU(), Linear(D, 6D)), hence the index 1.
    if (chunks > 0) linear(map, `${b}.adaLN_modulation.1`, D, chunks * D);
  }
  linear(map, 'final_layer.linear', D, p * p * outChannels(c));
  // Only the adaLN variants modulate the final LayerNorm; in-context and cross-attention use a plain one.
  if (chunks > 0) linear(map, 'final_layer.adaLN_modulation.1', D, 2 * D);
  return map;
}

/** Names that are part of the state_dict but never trained. */
export const FROZEN_PARAMETERS = new Set(['pos_embed']);

export function countParameters(c: DiTConfig, opts: { includeFrozen?: boolean } = {}): number {
  let n = 0;
  for (const [name, shape] of Object.entries(parameterShapes(c))) {
    if (!opts.includeFrozen && FROZEN_PARAMETERS.has(name)) continue;
    n += shape.reduce((a, b) => a * b, 1);
  }
  return n;
}
