/**
 * Inputs for the code exercises' test cases: small arrays drawn from a seed, the same on every
 * machine (mulberry32 over the student's parameters). No tfjs: the page imports the exercises.
 */
import { paramRng } from '@/lib/exercises/seed';

/** n numbers in [-range, range], rounded to 3 decimals so the cases read well. */
export function sampleArray(seed: number, n: number, range = 1): number[] {
  const rng = paramRng(seed);
  return Array.from({ length: n }, () => Math.round((rng.next() * 2 - 1) * range * 1000) / 1000);
}
