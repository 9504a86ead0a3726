/**
 * Which timesteps a respaced sampler keeps, and the betas over them: plain numbers, no tfjs, so a
 * page may import them (chapter 10's toy does). lib/diffusion/respace.ts builds the respaced
 * GaussianDiffusion from these.
 */
import { diffusionConstants } from './schedules';

/** A step count K, per-section counts [K1, K2, ...], a string "K1,K2" or "ddimK" (official formats). */
export type SectionCounts = number | number[] | string;

/** Python's round(): halves go to the even neighbour (round(0.5) = 0, round(2.5) = 2). */
function pythonRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Eq. respacing: which original timestep indices to keep, like the official space_timesteps.
 * The T steps are cut into len(sectionCounts) equal sections (the first T mod len get one more) and
 * section j keeps sectionCounts[j] steps evenly spaced over it, both ends included, rounding with
 * Python's round so that the kept steps match the official code exactly. "ddimK" instead takes the
 * first integer stride s with exactly K steps in range(0, T, s), as the DDIM paper does.
 * Returns the kept indices in increasing order.
 */
export function spaceTimesteps(numTimesteps: number, sectionCounts: SectionCounts): number[] {
  let counts: number[];
  if (typeof sectionCounts === 'string') {
    if (sectionCounts.startsWith('ddim')) {
      const desired = Number(sectionCounts.slice(4));
      if (!Number.isInteger(desired) || desired < 1) throw new Error(`bad respacing '${sectionCounts}'`);
      for (let stride = 1; stride < numTimesteps; stride++) {
        if (Math.ceil(numTimesteps / stride) === desired) {
          return Array.from({ length: desired }, (_, k) => k * stride);
        }
      }
      throw new Error(`cannot take exactly ${desired} of ${numTimesteps} steps with an integer stride`);
    }
    counts = sectionCounts.split(',').map((s) => Number(s.trim()));
  } else {
    counts = typeof sectionCounts === 'number' ? [sectionCounts] : sectionCounts.slice();
  }
  if (counts.length === 0 || counts.some((k) => !Number.isInteger(k) || k < 0)) {
    throw new Error(`bad section counts ${JSON.stringify(sectionCounts)}`);
  }
  const sizePer = Math.floor(numTimesteps / counts.length);
  const extra = numTimesteps % counts.length;
  let start = 0;
  const steps = new Set<number>();
  counts.forEach((count, j) => {
    const size = sizePer + (j < extra ? 1 : 0);
    if (size < count) throw new Error(`cannot divide a section of ${size} steps into ${count}`);
    const fracStride = count <= 1 ? 1 : (size - 1) / (count - 1);
    let cur = 0;
    for (let k = 0; k < count; k++) {
      steps.add(start + pythonRound(cur));
      cur += fracStride; // accumulated, not k * stride, so the rounding matches the official loop
    }
    start += size;
  });
  return Array.from(steps).sort((a, b) => a - b);
}

/**
 * The betas of the process that keeps only useTimesteps of the process with baseBetas:
 * beta'_k = 1 - alpha_bar_{s_k} / alpha_bar_{s_{k-1}}. Float64.
 */
export function respacedBetas(baseBetas: Float64Array, useTimesteps: Iterable<number>): { betas: Float64Array; timestepMap: Int32Array } {
  const keep = new Set(useTimesteps);
  const base = diffusionConstants(baseBetas);
  const betas: number[] = [];
  const map: number[] = [];
  let last = 1;
  for (let i = 0; i < base.numTimesteps; i++) {
    if (!keep.has(i)) continue;
    betas.push(1 - base.alphasCumprod[i] / last);
    last = base.alphasCumprod[i];
    map.push(i);
  }
  if (map.length === 0) throw new Error('respacing keeps no timesteps');
  return { betas: Float64Array.from(betas), timestepMap: Int32Array.from(map) };
}
