/**
 * The DiT training recipes by name: the shipped default model, the conditioning set (paper section
 * 3.2, Figure 3: four ways to feed t and y, same budget, data order and seed) and the scaling grid
 * (paper section 5, Figures 8-9: sizes x patch sizes, same step budget).
 *
 * Learning rate: the paper's 1e-4 (constant, no warm-up) barely trains a 2M-parameter model in a few
 * thousand steps; a PyTorch run of this very design reached 97 % accuracy after 4,000 steps at 1e-3
 * with a 500-step linear warm-up, so every recipe uses that, constant after the warm-up
 * (a constant rate also lets a later session extend a run without changing its schedule).
 * Budgets were sized from measured seconds per step (scripts/train/dit-bench.ts; README).
 */
import { getPreset, type Conditioning, type DiTConfig, CONDITIONINGS } from '../dit/config';

export interface DiTRecipe {
  name: string;
  /** Shipped folder under public/models/ (versioned). */
  folder: string;
  preset: string;
  config: DiTConfig;
  steps: number;
  batchSize: number;
  /** Gradient in slices of this many examples (same step, less memory; lib/train/loop microBatch). */
  microBatch?: number;
  lr: number;
  warmupSteps: number;
  emaDecay: number;
  seed: number;
  /** What it is for, in one line (goes into the manifest). */
  purpose: string;
}

const BASE = { batchSize: 128, lr: 1e-3, warmupSteps: 500, emaDecay: 0.999, seed: 0 };

function recipe(
  name: string,
  preset: string,
  steps: number,
  purpose: string,
  over: Partial<DiTConfig> = {},
  batchSize = BASE.batchSize,
  warmupSteps = BASE.warmupSteps,
): DiTRecipe {
  return { ...BASE, batchSize, warmupSteps, name, folder: `dit-${name}-v1`, preset, config: { ...getPreset(preset), ...over }, steps, purpose };
}

/**
 * Budgets from measured CPU seconds per step (scripts/train/dit-bench.ts, CPU time on this 2-core
 * machine while other jobs ran; uncontended runs are about 2x faster):
 *   batch 128: B/2 adaLN-Zero 2.10, adaLN 2.25, in-context 2.48, cross-attention 2.59;
 *   batch 64:  S/4 0.29, S/2 0.51, S/1 1.80, B/4 0.63, B/2 1.32, B/1 6.55, L/4 1.22, L/2 3.03
 *   (B/1 and L/1 abort in tfjs-wasm at batch 128, hence batch 64 for the grid; L/1 still aborts at
 *   batch 64 ("memory access out of bounds": the wasm heap overflows), so scale-l-p1 computes each
 *   batch-64 gradient as two micro-batches of 32, the same step in half the activation memory).
 * Default 4,000 + conditioning 4 x 1,500 + grid 9 x 1,000 steps, with their evaluations, came to
 * about 12 core-hours at these rates, six hours on two cores. The real runs were slower than these
 * bench figures (the conditioning runs about 1.8x per step, with three jobs sharing the two cores), so
 * `train all` takes longer than that: the README gives the measured times and the estimate.
 */
/** Steps of each conditioning-set model (all four the same), batch 128. */
export const CONDITIONING_STEPS = 1500;
/** Steps of each scaling-grid model (all nine the same), batch 64. */
export const SCALING_STEPS = 1000;
export const SCALING_BATCH = 64;
/** Warm-up of the shorter runs (a third of a 1,500-step run would be warm-up at 500). */
export const SHORT_WARMUP = 250;
export const SCALING_SIZES = ['S', 'B', 'L'] as const;
export const SCALING_PATCHES = [4, 2, 1] as const;

export function conditioningSlug(c: Conditioning): string {
  return c.toLowerCase();
}

export const DIT_RECIPES: DiTRecipe[] = [
  recipe('default', 'DiT-mini-B/2', 4000, 'the site default: class-conditional latent DiT, adaLN-Zero, learned sigma'),
  ...CONDITIONINGS.map((c) =>
    recipe(
      `cond-${conditioningSlug(c)}`,
      'DiT-mini-B/2',
      CONDITIONING_STEPS,
      `conditioning set: ${c}, same budget, data order and seed as the other three`,
      { conditioning: c },
      BASE.batchSize,
      SHORT_WARMUP,
    ),
  ),
  ...SCALING_SIZES.flatMap((s) =>
    SCALING_PATCHES.map((p) =>
      recipe(
        `scale-${s.toLowerCase()}-p${p}`,
        `DiT-mini-${s}/${p}`,
        SCALING_STEPS,
        `scaling grid: size ${s}, patch ${p}, same step budget as the other eight`,
        {},
        SCALING_BATCH,
        SHORT_WARMUP,
      ),
    ),
  ),
].map((r) => (r.name === 'scale-l-p1' ? { ...r, microBatch: SCALING_BATCH / 2 } : r));

export function getDiTRecipe(name: string): DiTRecipe {
  const r = DIT_RECIPES.find((x) => x.name === name || x.folder === name);
  if (!r) throw new Error(`unknown DiT recipe '${name}'; known: ${DIT_RECIPES.map((x) => x.name).join(', ')}`);
  return r;
}

/** Groups of recipes `train` accepts besides single names. */
export function expandDiTRecipes(name: string): DiTRecipe[] {
  if (name === 'dit-all') return DIT_RECIPES;
  if (name === 'conditioning') return DIT_RECIPES.filter((r) => r.name.startsWith('cond-'));
  if (name === 'scaling') return DIT_RECIPES.filter((r) => r.name.startsWith('scale-'));
  return [getDiTRecipe(name)];
}
