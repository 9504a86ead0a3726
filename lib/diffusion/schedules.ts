/**
 * Noise schedules and the constants every diffusion formula reads from them.
 *
 * Indexing follows the official DiT / ADM code: arrays have T entries and index i = 0..T-1 holds the
 * paper's timestep t = i + 1. So betas[0] is beta_1 and alphasCumprod[i] is alpha_bar_{i+1}.
 * Everything is float64 here (as the reference code computes it in numpy float64); tensors are cast
 * to float32 only where they meet the network.
 */

export type ScheduleName = 'linear' | 'scaled-linear' | 'cosine';

export const SCHEDULE_LABELS: Record<ScheduleName, string> = {
  linear: 'Linear (DDPM / DiT)',
  'scaled-linear': 'Scaled linear (Stable Diffusion)',
  cosine: 'Cosine (Nichol & Dhariwal)',
};

/** T = 1000 in DDPM, ADM and DiT (dit-facts.md, "Diffusion settings"). */
export const DEFAULT_NUM_TIMESTEPS = 1000;

function linspace(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = start + ((end - start) * i) / (n - 1);
  return out;
}

/**
 * Eq. linear-schedule: beta_t evenly spaced from 1e-4 to 0.02 over T = 1000 steps (DDPM, ADM, DiT).
 * Like the official get_named_beta_schedule, the end points are rescaled by 1000 / T so that other
 * step counts keep the same overall amount of noise.
 */
export function linearBetas(numTimesteps: number): Float64Array {
  const scale = 1000 / numTimesteps;
  return linspace(scale * 1e-4, scale * 0.02, numTimesteps);
}

/** Eq. scaled-linear-schedule: Stable Diffusion's betas = linspace(sqrt(0.00085), sqrt(0.012), T)^2. */
export function scaledLinearBetas(numTimesteps: number): Float64Array {
  const roots = linspace(Math.sqrt(0.00085), Math.sqrt(0.012), numTimesteps);
  return roots.map((r) => r * r);
}

/**
 * Eq. cosine-schedule (Nichol & Dhariwal 2021): alpha_bar(s) = cos^2((s + 0.008) / 1.008 * pi / 2)
 * for s = t / T, and beta_t = min(1 - alpha_bar(t / T) / alpha_bar((t - 1) / T), 0.999). The clip
 * keeps the last steps from having beta = 1 (alpha_bar(1) = 0), which would make x_T independent of
 * nothing and the reverse step singular.
 */
export function cosineBetas(numTimesteps: number, maxBeta = 0.999): Float64Array {
  const alphaBar = (s: number) => Math.cos(((s + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  const out = new Float64Array(numTimesteps);
  for (let i = 0; i < numTimesteps; i++) {
    const t1 = i / numTimesteps;
    const t2 = (i + 1) / numTimesteps;
    out[i] = Math.min(1 - alphaBar(t2) / alphaBar(t1), maxBeta);
  }
  return out;
}

export function betaSchedule(name: ScheduleName, numTimesteps = DEFAULT_NUM_TIMESTEPS): Float64Array {
  if (!Number.isInteger(numTimesteps) || numTimesteps < 1) {
    throw new Error(`numTimesteps must be a positive integer, got ${numTimesteps}`);
  }
  switch (name) {
    case 'linear':
      return linearBetas(numTimesteps);
    case 'scaled-linear':
      return scaledLinearBetas(numTimesteps);
    case 'cosine':
      return cosineBetas(numTimesteps);
  }
}

/** The per-timestep constants of the official GaussianDiffusion, all float64, all of length T. */
export interface DiffusionConstants {
  numTimesteps: number;
  betas: Float64Array;
  alphas: Float64Array;
  alphasCumprod: Float64Array;
  /** alpha_bar_{t-1}, with alpha_bar_0 = 1. */
  alphasCumprodPrev: Float64Array;
  sqrtAlphasCumprod: Float64Array;
  sqrtOneMinusAlphasCumprod: Float64Array;
  sqrtRecipAlphasCumprod: Float64Array;
  sqrtRecipm1AlphasCumprod: Float64Array;
  /** Eq. log-snr: log(alpha_bar_t / (1 - alpha_bar_t)). */
  logSnr: Float64Array;
  /** Eq. posterior-variance: beta~_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) * beta_t. */
  posteriorVariance: Float64Array;
  /** log beta~_t with the first entry (0 at t = 1) replaced by the second, as the official code does. */
  posteriorLogVarianceClipped: Float64Array;
  /** Eq. posterior-mean: the coefficient of x_0, sqrt(alpha_bar_{t-1}) beta_t / (1 - alpha_bar_t). */
  posteriorMeanCoef1: Float64Array;
  /** Eq. posterior-mean: the coefficient of x_t, sqrt(alpha_t) (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t). */
  posteriorMeanCoef2: Float64Array;
}

/** Eq. alpha-bar: alpha_t = 1 - beta_t and alpha_bar_t = prod_{s <= t} alpha_s, plus what follows from them (the log-SNR of Eq. log-snr among them). */
export function diffusionConstants(betas: Float64Array): DiffusionConstants {
  const n = betas.length;
  const make = () => new Float64Array(n);
  const alphas = make();
  const alphasCumprod = make();
  const alphasCumprodPrev = make();
  let running = 1;
  for (let i = 0; i < n; i++) {
    if (!(betas[i] > 0 && betas[i] <= 1)) throw new Error(`beta[${i}] = ${betas[i]} is outside (0, 1]`);
    alphas[i] = 1 - betas[i];
    alphasCumprodPrev[i] = running;
    running *= alphas[i];
    alphasCumprod[i] = running;
  }
  const c: DiffusionConstants = {
    numTimesteps: n,
    betas: Float64Array.from(betas),
    alphas,
    alphasCumprod,
    alphasCumprodPrev,
    sqrtAlphasCumprod: alphasCumprod.map(Math.sqrt),
    sqrtOneMinusAlphasCumprod: alphasCumprod.map((a) => Math.sqrt(1 - a)),
    sqrtRecipAlphasCumprod: alphasCumprod.map((a) => Math.sqrt(1 / a)),
    sqrtRecipm1AlphasCumprod: alphasCumprod.map((a) => Math.sqrt(1 / a - 1)),
    logSnr: alphasCumprod.map((a) => Math.log(a) - Math.log1p(-a)),
    posteriorVariance: make(),
    posteriorLogVarianceClipped: make(),
    posteriorMeanCoef1: make(),
    posteriorMeanCoef2: make(),
  };
  for (let i = 0; i < n; i++) {
    const oneMinus = 1 - alphasCumprod[i];
    c.posteriorVariance[i] = (betas[i] * (1 - alphasCumprodPrev[i])) / oneMinus;
    c.posteriorMeanCoef1[i] = (betas[i] * Math.sqrt(alphasCumprodPrev[i])) / oneMinus;
    c.posteriorMeanCoef2[i] = ((1 - alphasCumprodPrev[i]) * Math.sqrt(alphas[i])) / oneMinus;
  }
  // The posterior variance is 0 at t = 1 (x_0 is then determined); its log is clipped to the next value.
  for (let i = 0; i < n; i++) {
    c.posteriorLogVarianceClipped[i] = Math.log(n > 1 && i === 0 ? c.posteriorVariance[1] : c.posteriorVariance[i]);
  }
  return c;
}

/** Schedule + constants in one call, for widgets and charts. */
export function scheduleConstants(name: ScheduleName, numTimesteps = DEFAULT_NUM_TIMESTEPS): DiffusionConstants {
  return diffusionConstants(betaSchedule(name, numTimesteps));
}

/**
 * Eq. q-sample: x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps, written into out.
 * Plain arrays, no tfjs (a 32x32 digit is about a thousand multiply-adds); the coefficients are this
 * file's sqrtAlphasCumprod and sqrtOneMinusAlphasCumprod.
 */
export function qSampleInto(out: Float32Array, x0: Float32Array, eps: Float32Array, sqrtAlphaBar: number, sqrtOneMinusAlphaBar: number): Float32Array {
  if (x0.length !== eps.length || out.length !== x0.length) throw new Error('qSampleInto: x0, eps and out must have the same length');
  for (let i = 0; i < x0.length; i++) out[i] = sqrtAlphaBar * x0[i] + sqrtOneMinusAlphaBar * eps[i];
  return out;
}
