/**
 * What a page may know of the sampling road without loading it: the samplers it offers and how a
 * batch's seeds and random classes follow from one seed. No tfjs here (run.ts has it), so widgets and
 * request validation import this without pulling TensorFlow.js into the page.
 */
import { mulberry32 } from '../random';

/** DDPM's ancestral step, DDIM, or DPM-Solver++(2M), a multistep solver that needs far fewer steps. */
export type SamplerName = 'ddpm' | 'ddim' | 'dpm++2m';
export const SAMPLERS: readonly SamplerName[] = ['ddpm', 'ddim', 'dpm++2m'];

/** Seeds a reader can type or re-roll: 0 .. MAX_SEED. */
export const MAX_SEED = 999_999;

/** The seed after `seed` for a re-roll button: one step of a 32-bit LCG, so a page reload replays the same sequence. */
export function rerollSeed(seed: number): number {
  return ((Math.imul(seed, 1664525) + 1013904223) >>> 0) % (MAX_SEED + 1);
}

/** The seeds of a batch of n samples under one seed: seed * n + i. The widgets' grids and the CLI share it. */
export function batchSeeds(seed: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => seed * n + i);
}

/** The class a label of -1 ('random') resolves to for a seed: the same seed always gives the same class. */
export function randomLabel(seed: number, numClasses: number): number {
  return Math.floor(mulberry32((seed ^ 0x5bd1e995) >>> 0)() * numClasses);
}
