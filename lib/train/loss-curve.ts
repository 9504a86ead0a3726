/**
 * The numbers behind the trainer's live loss chart: per-step losses are noisy (each step draws its
 * own batch, timesteps and noise), so the chart draws an exponential moving average over them, and
 * a run of thousands of steps is cut into at most a few hundred bins so that drawing it stays cheap.
 * Pure functions over plain arrays.
 */

/**
 * Exponential moving average with bias correction (as Adam's moments): s_k = b s_{k-1} + (1 - b) x_k,
 * reported as s_k / (1 - b^k), so the first values are not pulled towards zero. Non-finite values are
 * skipped (the previous average is repeated).
 */
export function smoothed(values: ArrayLike<number>, beta = 0.95): Float64Array {
  if (!(beta >= 0 && beta < 1)) throw new Error(`smoothed: beta must be in [0, 1), got ${beta}`);
  const out = new Float64Array(values.length);
  let s = 0;
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isFinite(x)) {
      k++;
      s = beta * s + (1 - beta) * x;
    }
    out[i] = k > 0 ? s / (1 - Math.pow(beta, k)) : NaN;
  }
  return out;
}

export interface Bin {
  /** Mean step of the bin (its x position). */
  step: number;
  /** Mean value over the bin. */
  value: number;
}

/**
 * Cuts (step, value) pairs in step order into at most maxBins consecutive bins of equal count and
 * returns each bin's mean step and mean value; with no more points than bins it returns them as they are.
 */
export function binned(steps: ArrayLike<number>, values: ArrayLike<number>, maxBins: number): Bin[] {
  const n = Math.min(steps.length, values.length);
  if (maxBins < 1) throw new Error('binned: maxBins must be >= 1');
  const out: Bin[] = [];
  if (n <= maxBins) {
    for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) out.push({ step: steps[i], value: values[i] });
    return out;
  }
  for (let b = 0; b < maxBins; b++) {
    const lo = Math.floor((b * n) / maxBins);
    const hi = Math.floor(((b + 1) * n) / maxBins);
    let ss = 0;
    let vs = 0;
    let c = 0;
    for (let i = lo; i < hi; i++) {
      if (!Number.isFinite(values[i])) continue;
      ss += steps[i];
      vs += values[i];
      c++;
    }
    if (c > 0) out.push({ step: ss / c, value: vs / c });
  }
  return out;
}

/** Mean of values[from, to) (finite ones only); NaN when there are none. */
export function meanOf(values: ArrayLike<number>, from = 0, to = values.length): number {
  let s = 0;
  let c = 0;
  for (let i = Math.max(0, from); i < Math.min(values.length, to); i++) {
    if (Number.isFinite(values[i])) {
      s += values[i];
      c++;
    }
  }
  return c > 0 ? s / c : NaN;
}
