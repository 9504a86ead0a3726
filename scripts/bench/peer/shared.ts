/**
 * What the peer bench's page and its two workers (scripts/bench/peer.ts) say to each other, and the
 * workload both runtimes run: the live sampler's grid (16 samples, 50 DDIM steps, eta 0, guidance 4,
 * so the network sees batch 32), without the decoder, which the peer has no model for.
 */
export const SAMPLES = 16;
export const STEPS = 50;
export const GUIDANCE = 4;
export const LABELS = Array.from({ length: SAMPLES }, (_, i) => i % 10);
export const SEEDS = Array.from({ length: SAMPLES }, (_, i) => 1000 + i);
/** Timed runs of the whole loop after one warm-up run, and timed single forwards at batch 32. */
export const RUNS = 3;
export const FORWARDS = 20;

export interface RunRequest {
  threads: number;
  /** The tfjs worker's starting noise x_T (N, H, W, C), which the peer starts from too. */
  xT?: Float32Array;
}

export interface RunResult {
  runtime: string;
  threads: number;
  /** Why fewer threads ran than asked, where so. */
  note?: string;
  /** Median over FORWARDS calls of one network call at batch 2N, ms. */
  forwardMs: number;
  /** Each timed run of the whole loop (network, guidance and DDIM update), ms. */
  runMs: number[];
  /** The final latents (N, H, W, C) and, from tfjs, its starting noise. */
  final: Float32Array;
  xT?: Float32Array;
}

export const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
