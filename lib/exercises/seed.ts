/**
 * Per-student parameters, as PrairieLearn does it: the stream is seeded by a hash of the student's
 * id and the exercise id, so a student sees the same numbers on every visit and a classmate sees
 * others. The hash is FNV-1a (32 bits), the stream mulberry32: small, fast and the same everywhere.
 */
import type { Params, ParamRng } from './types';

export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function paramRng(seed: number): ParamRng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/** How an exercise's parameters are written into its text: its display(), or each value as a string. */
export function displayValues<P extends Params>(ex: { display?: (p: P) => Record<string, string> }, p: P): Record<string, string> {
  return ex.display ? ex.display(p) : Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]));
}

/** The parameters of one exercise for one student ('' = no id given: everyone's default draw). */
export function drawParams<P extends Params>(ex: { id: string; params?: (rng: ParamRng) => P }, studentId: string): P {
  return ex.params ? ex.params(paramRng(fnv1a(`${studentId.trim()}\u0000${ex.id}`))) : ({} as P);
}

/**
 * The order a student sees a choice exercise's options in: a shuffle seeded like the parameters, so
 * the right answer is not always in the same place, yet stays put for one student across visits.
 * Returns original option indices in display order.
 */
export function optionOrder(n: number, studentId: string, exerciseId: string): number[] {
  const rng = paramRng(fnv1a(`${studentId.trim()}\u0000${exerciseId}\u0000options`));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
