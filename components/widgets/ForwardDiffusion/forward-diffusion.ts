/**
 * The forward-diffusion widget's arithmetic, as plain functions over typed arrays (no React, no
 * tfjs): one 32x32 digit is about a thousand multiply-adds, far less than a frame's budget.
 */

export interface Histogram {
  lo: number;
  hi: number;
  binWidth: number;
  /** Density per bin: count / (n * binWidth), so the bars integrate to the share inside [lo, hi). */
  density: Float64Array;
  /** Values below lo or at/above hi (not in any bin). */
  outside: number;
  n: number;
}

export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): Histogram {
  const binWidth = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const k = Math.floor((values[i] - lo) / binWidth);
    if (k >= 0 && k < bins) counts[k]++;
    else outside++;
  }
  const n = values.length;
  const density = counts.map((c) => c / (n * binWidth));
  return { lo, hi, binWidth, density, outside, n };
}

export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length) };
}

/** The standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
