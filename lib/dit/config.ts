/**
 * DiT configurations: the paper's twelve models (Table 1 sizes x patch sizes 2, 4, 8) and a "mini"
 * family for this project's 8x8x4 MNIST latents, named the same way (DiT-mini-B/2 ...).
 *
 * A configuration is plain data: the model (model.ts), the counting (flops.ts) and the CLI all read it.
 */

import type { WeightsManifestFile } from '../weights';

/** How the timestep and class embeddings enter the network (paper section 3.2, Figure 3). */
export type Conditioning = 'in-context' | 'cross-attention' | 'adaLN' | 'adaLN-Zero';

export const CONDITIONINGS: readonly Conditioning[] = ['in-context', 'cross-attention', 'adaLN', 'adaLN-Zero'];

export interface DiTConfig {
  /** Side of the (square) latent, I. Tokens T = (I / p)^2. */
  inputSize: number;
  /** Latent channels C (4 for the SD VAE and for ours). */
  inChannels: number;
  /** Patch side p; I must be divisible by p. */
  patchSize: number;
  /** Hidden size d. Divisible by numHeads, and by 4 for the 2D sin-cos positions. */
  hiddenSize: number;
  /** Number of DiT blocks N. */
  depth: number;
  numHeads: number;
  /** MLP hidden = mlpRatio * d (4 in the paper). */
  mlpRatio: number;
  /** Real classes; the label table has one more row, the null class, when classDropoutProb > 0. */
  numClasses: number;
  /** Output 2C channels (eps and the variance interpolation v) instead of C. */
  learnSigma: boolean;
  /** Probability of replacing a label by the null class in training (0.1 in the paper, for CFG). */
  classDropoutProb: number;
  conditioning: Conditioning;
}

/** Paper Table 1: the four model sizes. */
export const PAPER_SIZES = {
  S: { depth: 12, hiddenSize: 384, numHeads: 6 },
  B: { depth: 12, hiddenSize: 768, numHeads: 12 },
  L: { depth: 24, hiddenSize: 1024, numHeads: 16 },
  XL: { depth: 28, hiddenSize: 1152, numHeads: 16 },
} as const;

/**
 * Mini sizes for 8x8x4 latents. Head size 32 throughout (the paper keeps 64-72); B is the site's
 * default (p = 2: 1.87M parameters with learnSigma). S and L bracket it so that each stays trainable
 * on a 2-core CPU.
 */
export const MINI_SIZES = {
  S: { depth: 4, hiddenSize: 64, numHeads: 2 },
  B: { depth: 6, hiddenSize: 128, numHeads: 4 },
  L: { depth: 8, hiddenSize: 192, numHeads: 6 },
  XL: { depth: 10, hiddenSize: 256, numHeads: 8 },
} as const;

export type PaperSize = keyof typeof PAPER_SIZES;
export type MiniSize = keyof typeof MINI_SIZES;

/**
 * The two families of presets. Paper: 256x256 images -> SD VAE (downsample 8) -> 32x32x4 latents,
 * ImageNet's 1000 classes, p in {2, 4, 8}. Mini: 32x32 digits -> tiny VAE (downsample 4) -> 8x8x4
 * latents, MNIST's 10 classes, p in {1, 2, 4}. Both: adaLN-Zero, learned sigma, 10% label dropout.
 */
const FAMILIES = [
  { prefix: 'DiT-', sizes: PAPER_SIZES, inputSize: 32, numClasses: 1000, patches: [2, 4, 8] },
  { prefix: 'DiT-mini-', sizes: MINI_SIZES, inputSize: 8, numClasses: 10, patches: [1, 2, 4] },
] as const;

export const PRESETS: Record<string, DiTConfig> = {};
for (const f of FAMILIES) {
  for (const [size, dims] of Object.entries(f.sizes)) {
    for (const patchSize of f.patches) {
      PRESETS[`${f.prefix}${size}/${patchSize}`] = {
        inputSize: f.inputSize,
        inChannels: 4,
        patchSize,
        ...dims,
        mlpRatio: 4,
        numClasses: f.numClasses,
        learnSigma: true,
        classDropoutProb: 0.1,
        conditioning: 'adaLN-Zero',
      };
    }
  }
}

/** The model the site trains and ships. */
export const DEFAULT_MINI = 'DiT-mini-B/2';

/** The twelve models of paper Table 4, in the paper's order. */
export const PAPER_MODELS = ['S', 'B', 'L', 'XL'].flatMap((s) => [8, 4, 2].map((p) => `DiT-${s}/${p}`));

export function getPreset(name: string): DiTConfig {
  const c = PRESETS[name];
  if (!c) throw new Error(`unknown DiT preset '${name}'; known: ${Object.keys(PRESETS).join(', ')}`);
  return { ...c };
}

export function outChannels(c: DiTConfig): number {
  return c.learnSigma ? 2 * c.inChannels : c.inChannels;
}

export function numPatches(c: DiTConfig): number {
  const g = c.inputSize / c.patchSize;
  return g * g;
}

/** Rows of the label table: the real classes plus the null class when labels can be dropped. */
export function labelTableRows(c: DiTConfig): number {
  return c.numClasses + (c.classDropoutProb > 0 ? 1 : 0);
}

/** Throws with every problem found, so a bad CLI line or preset fails with a clear message. */
export function validateConfig(c: DiTConfig): void {
  const errs: string[] = [];
  const posInt = (k: keyof DiTConfig) => {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) errs.push(`${k} must be a positive integer (got ${String(v)})`);
  };
  (['inputSize', 'inChannels', 'patchSize', 'hiddenSize', 'depth', 'numHeads', 'numClasses'] as const).forEach(posInt);
  if (!(c.mlpRatio > 0)) errs.push(`mlpRatio must be > 0 (got ${c.mlpRatio})`);
  if (c.inputSize % c.patchSize !== 0) errs.push(`inputSize ${c.inputSize} is not divisible by patchSize ${c.patchSize}`);
  if (c.hiddenSize % c.numHeads !== 0) errs.push(`hiddenSize ${c.hiddenSize} is not divisible by numHeads ${c.numHeads}`);
  if (c.hiddenSize % 4 !== 0) errs.push(`hiddenSize ${c.hiddenSize} must be divisible by 4 (2D sin-cos positions)`);
  if (!(c.classDropoutProb >= 0 && c.classDropoutProb < 1)) errs.push(`classDropoutProb must be in [0, 1) (got ${c.classDropoutProb})`);
  if (!CONDITIONINGS.includes(c.conditioning)) errs.push(`conditioning must be one of ${CONDITIONINGS.join(', ')} (got ${String(c.conditioning)})`);
  if (errs.length) throw new Error(`invalid DiT config: ${errs.join('; ')}`);
}

/** The DiT configuration stored in a manifest by saveDiT. */
export function configFromManifest(manifest: Pick<WeightsManifestFile, 'userDefinedMetadata'>): DiTConfig {
  const meta = manifest.userDefinedMetadata;
  if (!meta || meta.kind !== 'DiT' || typeof meta.config !== 'object') throw new Error('loadDiT: the manifest has no DiT configuration in userDefinedMetadata');
  const config = meta.config as DiTConfig;
  validateConfig(config);
  return config;
}
