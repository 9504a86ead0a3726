/**
 * The in-browser trainer's recipe (components/widgets/TrainInBrowser): the settings a reader can
 * change, their ranges, and the learning-rate schedule. Plain data and pure functions, shared by the
 * widget (which shows the choices), the trainer worker (which checks and uses them) and the tests.
 *
 * It is the command-line recipe (lib/train/dit-recipes.ts) at browser scale: the same DiT
 * (adaLN-Zero, learned sigma, class-conditional with 10 % label dropout for classifier-free guidance),
 * the same loss, AdamW without weight decay, linear warm-up to a constant peak learning rate, EMA of
 * the weights with decay 0.999, only smaller models, shorter warm-up and smaller batches, so that a
 * laptop CPU shows digits within minutes.
 */
import { getPreset, type DiTConfig } from '../dit/config';

/** The models a reader can train: small mini sizes, two patch sizes (dit/config.ts). */
export const TRAINER_PRESETS = ['DiT-mini-S/4', 'DiT-mini-S/2', 'DiT-mini-B/4'] as const;
export type TrainerPreset = (typeof TRAINER_PRESETS)[number];

/** Peak learning rates on the slider (log-spaced). The recipes use 1e-3; the paper 1e-4. */
export const LR_CHOICES = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3] as const;
export const BATCH_CHOICES = [16, 32, 64] as const;
export type TrainerBatch = (typeof BATCH_CHOICES)[number];
/** Which weights the sample grid uses: the EMA (the paper evaluates these) or the raw ones. */
export type SampleWeights = 'ema' | 'raw';

export interface TrainerSettings {
  preset: TrainerPreset;
  batchSize: TrainerBatch;
  /** Peak learning rate, reached after warmupSteps and then held (warmupConstant). */
  lr: number;
  warmupSteps: number;
  /** EMA decay (the recipes' 0.999; the paper's 0.9999 suits 400K-step runs, not a few hundred). */
  emaDecay: number;
  seed: number;
  /** Draw the sample grid every this many steps. */
  sampleEvery: number;
  sampleWeights: SampleWeights;
  /** Classifier-free guidance scale of the sample grid (Eq. cfg); 1 = the plain conditional model. */
  guidanceScale: number;
  /** DDIM steps of the sample grid. */
  sampleSteps: number;
}

/**
 * Defaults measured with the widget's own code on one core (scripts/bench/trainer-progress.ts, wasm
 * in Node, 100 samples scored by the evaluation classifier, chance 10 %): DiT-mini-B/4 at batch 64
 * drew digits the classifier read 21 % of the time after 500 steps, 50 % after 750 and 66 % after
 * 1,000 (7.5 CPU minutes), while DiT-mini-S/4, at a third of the cost per step, stayed at chance
 * (8 % after 500 steps). The raw weights led the EMA at every point (66 % against 62 % at 1,000).
 */
export const DEFAULT_TRAINER_SETTINGS: TrainerSettings = {
  preset: 'DiT-mini-B/4',
  batchSize: 64,
  lr: 1e-3,
  // The recipes warm up over 250-500 of 1,000-4,000 steps; a browser run is a few hundred to a few
  // thousand steps, so 100.
  warmupSteps: 100,
  emaDecay: 0.999,
  seed: 0,
  sampleEvery: 100,
  sampleWeights: 'raw',
  guidanceScale: 3,
  sampleSteps: 20,
};

/** Settings that change the network or the data order: changing them needs a fresh model (Reset). */
export const STRUCTURAL_SETTINGS = ['preset', 'batchSize', 'seed', 'warmupSteps', 'emaDecay'] as const satisfies readonly (keyof TrainerSettings)[];

/** The configuration of a preset the trainer offers (a copy). */
export function trainerConfig(preset: TrainerPreset): DiTConfig {
  return getPreset(preset);
}

/**
 * Linear warm-up to `peak` over `warmup` steps, then constant: the schedule of every command-line
 * recipe (lib/train/dit-run.ts warmupConstant). `peak` may be a function, so that the reader's
 * learning-rate slider takes effect at the next step of a running model.
 */
export function warmupConstant(peak: number | (() => number), warmup: number): (step: number) => number {
  const p = typeof peak === 'number' ? () => peak : peak;
  return (step) => (warmup > 0 && step < warmup ? (p() * (step + 1)) / warmup : p());
}

/** One line per problem (empty when the settings are usable): for messages that cross postMessage. */
export function trainerSettingsProblems(s: unknown): string[] {
  if (typeof s !== 'object' || s === null) return ['settings must be an object'];
  const v = s as Record<string, unknown>;
  const errs: string[] = [];
  const num = (k: string, lo: number, hi: number, int = false) => {
    const x = v[k];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi || (int && !Number.isInteger(x))) {
      errs.push(`${k} must be ${int ? 'an integer' : 'a number'} in [${lo}, ${hi}] (got ${String(x)})`);
    }
  };
  if (!(TRAINER_PRESETS as readonly unknown[]).includes(v.preset)) errs.push(`preset must be one of ${TRAINER_PRESETS.join(', ')} (got ${String(v.preset)})`);
  if (!(BATCH_CHOICES as readonly unknown[]).includes(v.batchSize))
    errs.push(`batchSize must be one of ${BATCH_CHOICES.join(', ')} (got ${String(v.batchSize)})`);
  num('lr', 1e-6, 0.1);
  num('warmupSteps', 0, 10_000, true);
  num('emaDecay', 0, 0.99999);
  num('seed', 0, 2 ** 31 - 1, true);
  num('sampleEvery', 10, 10_000, true);
  if (v.sampleWeights !== 'ema' && v.sampleWeights !== 'raw') errs.push(`sampleWeights must be 'ema' or 'raw' (got ${String(v.sampleWeights)})`);
  num('guidanceScale', 0, 10);
  num('sampleSteps', 1, 250, true);
  return errs;
}

/** Whether going from a to b needs a fresh model (a structural setting changed). */
export function needsReset(a: TrainerSettings, b: TrainerSettings): boolean {
  return STRUCTURAL_SETTINGS.some((k) => a[k] !== b[k]);
}

/**
 * Steps per second over the last `window` step durations (ms), ignoring pauses and sampling: the
 * number the widget shows beside the loss chart.
 */
export function stepsPerSecond(durationsMs: readonly number[], window = 20): number | null {
  const recent = durationsMs.slice(-window);
  if (recent.length === 0) return null;
  const total = recent.reduce((a, b) => a + b, 0);
  return total > 0 ? (1000 * recent.length) / total : null;
}
