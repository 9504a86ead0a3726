/**
 * The Gaussian diffusion process: the forward process q, the posterior q(x_{t-1} | x_t, x_0), the
 * reverse step's mean and variance p(x_{t-1} | x_t) from a network's output, the two samplers' single
 * steps (DDPM ancestral, DDIM with eta), and the training losses (L_simple and the hybrid loss).
 * It mirrors the official DiT diffusion/gaussian_diffusion.py (itself from OpenAI's ADM / IDDPM).
 *
 * Layout: every tensor is NHWC, (N, H, W, C), channels last as the network takes it. A network with
 * learned variance returns (N, H, W, 2C): the first C channels are eps, the last C the variance
 * interpolation v in [-1, 1].
 *
 * Timesteps are JS arrays of integer indices i = 0..numTimesteps-1, one per batch item; index i is
 * the paper's t = i + 1 (schedules.ts). Per-item coefficients are built as (N, 1, 1, 1) tensors from
 * the float64 schedule arrays on the JS side, so nothing here gathers from a tensor (tf.gather's
 * gradient is missing on the wasm backend, and these constants need no gradient anyway).
 *
 * Letters in shape comments: N batch, H height, W width, C latent channels.
 */
import { tf } from '../tf';
import { diffusionConstants, type DiffusionConstants } from './schedules';
import { discretizedGaussianLogLikelihood, meanFlat, normalKl, stopGradient } from './losses';
import { concatLastAxis, splitLastAxis } from '../nn/last-axis';

type Tensor4D = tf.Tensor4D;
type Tensor1D = tf.Tensor1D;

/**
 * The network as this module sees it: x (N, H, W, C), t (N) int32 ORIGINAL timestep indices (a
 * respaced process maps its own indices back before calling), y (N) int32 labels where numClasses is
 * the null class. Returns (N, H, W, C) or, with learned variance, (N, H, W, 2C).
 */
export type DiffusionModelFn = (x: Tensor4D, t: Tensor1D, y: Tensor1D) => Tensor4D;

/**
 * What the network's variance is, as the official ModelVarType:
 * - 'learned-range': Eq. learned-variance, the model outputs v in [-1, 1] (DiT, learn_sigma=True).
 * - 'fixed-large': Sigma = beta_t (DDPM's upper bound); the official code uses beta~_2 at t = 1.
 * - 'fixed-small': Sigma = beta~_t (DDPM's lower bound, the true posterior variance).
 */
export type ModelVarType = 'learned-range' | 'fixed-large' | 'fixed-small';

export interface GaussianDiffusionOptions {
  modelVarType?: ModelVarType;
  /**
   * For a respaced process: timestepMap[i] is the original timestep index of this process's index i
   * (respace.ts). Defaults to the identity.
   */
  timestepMap?: ArrayLike<number>;
  /** Step count of the original process the map points into (defaults to numTimesteps). */
  originalNumTimesteps?: number;
}

export type MeanVariance = {
  mean: Tensor4D; // (N, H, W, C)
  variance: Tensor4D; // (N, H, W, C) or (N, 1, 1, 1) for a fixed variance
  logVariance: Tensor4D; // same shape as variance
};

export type PMeanVariance = MeanVariance & {
  /** The x_0 the mean was built from (clipped to [-1, 1] when clipDenoised). */
  predXstart: Tensor4D; // (N, H, W, C)
  /** The eps part of the network output (the first C channels). */
  eps: Tensor4D; // (N, H, W, C)
};

export type StepResult = {
  sample: Tensor4D; // x_{t-1}, (N, H, W, C)
  predXstart: Tensor4D; // (N, H, W, C)
};

export type TrainingLosses = {
  /** Per-item loss (N): mse, plus vb when the variance is learned (Eq. l-hybrid). */
  loss: Tensor1D;
  /** Per-item Eq. l-simple, the mean over H, W, C of (eps - eps_theta)^2 (N). */
  mse: Tensor1D;
  /** Per-item Eq. l-vlb term in bits (N), with eps frozen; null when the variance is fixed. */
  vb: Tensor1D | null;
};

export class GaussianDiffusion {
  readonly numTimesteps: number;
  readonly modelVarType: ModelVarType;
  readonly timestepMap: Int32Array;
  readonly originalNumTimesteps: number;
  readonly c: DiffusionConstants;
  readonly logBetas: Float64Array;
  /** The official FIXED_LARGE variance: beta_t, except beta~_2 at t = 1 ("a better decoder log likelihood"). */
  readonly fixedLargeVariance: Float64Array;
  private readonly logFixedLargeVariance: Float64Array;
  /** 0 at index 0 (the last reverse step adds no noise), 1 elsewhere. */
  private readonly nonzeroMask: Float64Array;

  constructor(constants: DiffusionConstants, opts: GaussianDiffusionOptions = {}) {
    const n = constants.numTimesteps;
    this.numTimesteps = n;
    this.c = constants;
    this.modelVarType = opts.modelVarType ?? 'learned-range';
    this.timestepMap = opts.timestepMap ? Int32Array.from(opts.timestepMap) : Int32Array.from({ length: n }, (_, i) => i);
    this.originalNumTimesteps = opts.originalNumTimesteps ?? n;
    if (this.timestepMap.length !== n) {
      throw new Error(`timestepMap has ${this.timestepMap.length} entries for ${n} timesteps`);
    }
    this.logBetas = constants.betas.map(Math.log);
    this.fixedLargeVariance = Float64Array.from(constants.betas);
    if (n > 1) this.fixedLargeVariance[0] = constants.posteriorVariance[1];
    this.logFixedLargeVariance = this.fixedLargeVariance.map(Math.log);
    this.nonzeroMask = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1));
  }

  static fromBetas(betas: Float64Array, opts: GaussianDiffusionOptions = {}): GaussianDiffusion {
    return new GaussianDiffusion(diffusionConstants(betas), opts);
  }

  // -------------------------------------------------------------------------------------------
  // Helpers: timesteps and per-item coefficients
  // -------------------------------------------------------------------------------------------

  private checkTimesteps(t: ArrayLike<number>, n: number): void {
    if (t.length !== n) throw new Error(`got ${t.length} timesteps for a batch of ${n}`);
    for (let k = 0; k < t.length; k++) {
      const i = t[k];
      if (!Number.isInteger(i) || i < 0 || i >= this.numTimesteps) {
        throw new Error(`timestep index ${i} is outside 0..${this.numTimesteps - 1}`);
      }
    }
  }

  /** arr[t[k]] for each batch item, as an (N, 1, 1, 1) float32 tensor that broadcasts over H, W, C. */
  coef(arr: ArrayLike<number>, t: ArrayLike<number>): Tensor4D {
    const v = new Float32Array(t.length);
    for (let k = 0; k < t.length; k++) v[k] = arr[t[k]];
    return tf.tensor4d(v, [t.length, 1, 1, 1]);
  }

  /** The original timestep indices the network sees for this process's indices t (respace.ts). */
  modelTimesteps(t: ArrayLike<number>): Int32Array {
    this.checkTimesteps(t, t.length);
    return Int32Array.from(t, (i) => this.timestepMap[i]);
  }

  /**
   * Run the network at this process's indices t, mapping them to original timesteps first (the
   * official respace.py _WrappedModel). y is the labels (N).
   */
  callModel(model: DiffusionModelFn, x: Tensor4D, t: ArrayLike<number>, y: ArrayLike<number> | Tensor1D): Tensor4D {
    return tf.tidy(() => {
      const tt = tf.tensor1d(this.modelTimesteps(t), 'int32');
      const yy = y instanceof tf.Tensor ? y : tf.tensor1d(Int32Array.from(y), 'int32');
      return model(x, tt, yy);
    });
  }

  /**
   * The official _WrappedModel as a model function: t holds this process's indices as a tensor and
   * is read back (a few integers) to map it. Prefer callModel, which never reads a tensor back.
   */
  wrapModel(model: DiffusionModelFn): DiffusionModelFn {
    return (x, t, y) => {
      const idx = Array.from(t.dataSync());
      return this.callModel(model, x, idx, y);
    };
  }

  /** Split a network output (N, H, W, kC) into eps (N, H, W, C) and, when present, v (N, H, W, C). */
  private splitOutput(modelOutput: Tensor4D, channels: number): { eps: Tensor4D; v: Tensor4D | null } {
    const k = modelOutput.shape[3];
    if (this.modelVarType === 'learned-range') {
      if (k !== 2 * channels) throw new Error(`learned variance needs ${2 * channels} output channels, got ${k}`);
      const [eps, v] = splitLastAxis(modelOutput, 2) as [Tensor4D, Tensor4D];
      return { eps, v };
    }
    if (k !== channels) throw new Error(`a fixed variance needs ${channels} output channels, got ${k}`);
    return { eps: tf.clone(modelOutput), v: null }; // a clone, so disposing a result never frees the caller's output
  }

  // -------------------------------------------------------------------------------------------
  // The forward process and its posterior
  // -------------------------------------------------------------------------------------------

  /** q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I): mean (N, H, W, C), variance and log variance (N, 1, 1, 1). */
  qMeanVariance(x0: Tensor4D, t: ArrayLike<number>): MeanVariance {
    this.checkTimesteps(t, x0.shape[0]);
    return tf.tidy(() => {
      const oneMinus = this.c.alphasCumprod.map((a) => 1 - a);
      return {
        mean: tf.mul(this.coef(this.c.sqrtAlphasCumprod, t), x0) as Tensor4D,
        variance: this.coef(oneMinus, t),
        logVariance: this.coef(oneMinus.map(Math.log), t),
      };
    });
  }

  /** Eq. q-sample: x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps, a draw from q(x_t | x_0). */
  qSample(x0: Tensor4D, t: ArrayLike<number>, noise: Tensor4D): Tensor4D {
    this.checkTimesteps(t, x0.shape[0]);
    return tf.tidy(() => tf.add(tf.mul(this.coef(this.c.sqrtAlphasCumprod, t), x0), tf.mul(this.coef(this.c.sqrtOneMinusAlphasCumprod, t), noise))) as Tensor4D;
  }

  /**
   * Eq. posterior-mean and Eq. posterior-variance: q(x_{t-1} | x_t, x_0) = N(mu~_t, beta~_t I) with
   * mu~_t = coef1 x_0 + coef2 x_t. The log variance is the official clipped one (log beta~_2 at t = 1,
   * where beta~_1 = 0).
   */
  qPosteriorMeanVariance(x0: Tensor4D, xt: Tensor4D, t: ArrayLike<number>): MeanVariance {
    this.checkTimesteps(t, xt.shape[0]);
    return tf.tidy(() => ({
      mean: tf.add(tf.mul(this.coef(this.c.posteriorMeanCoef1, t), x0), tf.mul(this.coef(this.c.posteriorMeanCoef2, t), xt)) as Tensor4D,
      variance: this.coef(this.c.posteriorVariance, t),
      logVariance: this.coef(this.c.posteriorLogVarianceClipped, t),
    }));
  }

  /** Eq. eps-to-x0: x_0 = (x_t - sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_bar_t) = sqrt(1/abar) x_t - sqrt(1/abar - 1) eps. */
  predictXstartFromEps(xt: Tensor4D, t: ArrayLike<number>, eps: Tensor4D): Tensor4D {
    this.checkTimesteps(t, xt.shape[0]);
    return tf.tidy(() =>
      tf.sub(tf.mul(this.coef(this.c.sqrtRecipAlphasCumprod, t), xt), tf.mul(this.coef(this.c.sqrtRecipm1AlphasCumprod, t), eps)),
    ) as Tensor4D;
  }

  /** Eq. eps-to-x0 solved for eps: eps = (sqrt(1/abar) x_t - x_0) / sqrt(1/abar - 1). */
  predictEpsFromXstart(xt: Tensor4D, t: ArrayLike<number>, x0: Tensor4D): Tensor4D {
    this.checkTimesteps(t, xt.shape[0]);
    return tf.tidy(() =>
      tf.div(tf.sub(tf.mul(this.coef(this.c.sqrtRecipAlphasCumprod, t), xt), x0), this.coef(this.c.sqrtRecipm1AlphasCumprod, t)),
    ) as Tensor4D;
  }

  // -------------------------------------------------------------------------------------------
  // The reverse process p(x_{t-1} | x_t)
  // -------------------------------------------------------------------------------------------

  /**
   * The reverse step's Gaussian from the network output at x_t (the official p_mean_variance, with
   * the model already run). The mean is the posterior mean at the predicted x_0 (equal to Eq. eps-mean
   * when x_0 is not clipped). With 'learned-range' the variance is Eq. learned-variance:
   * log Sigma = frac log beta_t + (1 - frac) log beta~_t, frac = (v + 1) / 2, where log beta~_t is the
   * clipped one, as the code does (the paper writes beta~_t).
   * clipDenoised clips x_0 to [-1, 1] before the mean; DiT's sample.py passes False (latents are not
   * in [-1, 1]), so false is the default.
   */
  pMeanVariance(modelOutput: Tensor4D, xt: Tensor4D, t: ArrayLike<number>, opts: { clipDenoised?: boolean } = {}): PMeanVariance {
    this.checkTimesteps(t, xt.shape[0]);
    return tf.tidy(() => {
      const { eps, v } = this.splitOutput(modelOutput, xt.shape[3]);
      let variance: Tensor4D;
      let logVariance: Tensor4D;
      if (v) {
        /** Eq. learned-variance */
        const minLog = this.coef(this.c.posteriorLogVarianceClipped, t); // (N, 1, 1, 1)
        const maxLog = this.coef(this.logBetas, t);
        const frac = tf.div(tf.add(v, 1), 2); // (N, H, W, C)
        logVariance = tf.add(tf.mul(frac, maxLog), tf.mul(tf.sub(1, frac), minLog)) as Tensor4D;
        variance = tf.exp(logVariance);
      } else if (this.modelVarType === 'fixed-large') {
        variance = this.coef(this.fixedLargeVariance, t);
        logVariance = this.coef(this.logFixedLargeVariance, t);
      } else {
        variance = this.coef(this.c.posteriorVariance, t);
        logVariance = this.coef(this.c.posteriorLogVarianceClipped, t);
      }
      let predXstart = this.predictXstartFromEps(xt, t, eps);
      if (opts.clipDenoised) predXstart = tf.clipByValue(predXstart, -1, 1);
      const { mean } = this.qPosteriorMeanVariance(predXstart, xt, t);
      return { mean, variance, logVariance, predXstart, eps };
    });
  }

  /**
   * Eq. ddpm-step: one ancestral step x_{t-1} = mu_theta(x_t, t) + exp(log Sigma / 2) z, no noise at
   * the last step (index 0). noise is z (N, H, W, C), supplied by the caller so runs are reproducible.
   */
  pSample(modelOutput: Tensor4D, xt: Tensor4D, t: ArrayLike<number>, noise: Tensor4D, opts: { clipDenoised?: boolean } = {}): StepResult {
    return tf.tidy(() => {
      const out = this.pMeanVariance(modelOutput, xt, t, opts);
      const nonzero = this.coef(this.nonzeroMask, t); // (N, 1, 1, 1): 0 at the last step
      const sample = tf.add(out.mean, tf.mul(nonzero, tf.mul(tf.exp(tf.mul(0.5, out.logVariance)), noise))) as Tensor4D;
      return { sample, predXstart: out.predXstart };
    });
  }

  /**
   * Eq. ddim-step (Song et al., eq. 12): x_{t-1} = sqrt(abar_{t-1}) x0_hat + sqrt(1 - abar_{t-1} - sigma^2) eps
   * + sigma z, sigma = eta sqrt((1 - abar_{t-1}) / (1 - abar_t)) sqrt(1 - abar_t / abar_{t-1}).
   * As the official ddim_sample, eps is re-derived from x0_hat (so it matches the clipped x_0 when
   * clipDenoised), and the learned variance channels are ignored. eta = 0 is deterministic; eta = 1
   * gives sigma^2 = beta~_t, the DDPM posterior variance.
   */
  ddimSample(
    modelOutput: Tensor4D,
    xt: Tensor4D,
    t: ArrayLike<number>,
    noise: Tensor4D | null,
    opts: { clipDenoised?: boolean; eta?: number } = {},
  ): StepResult {
    const eta = opts.eta ?? 0;
    if (eta !== 0 && !noise) throw new Error('ddimSample with eta > 0 needs noise');
    return tf.tidy(() => {
      const out = this.pMeanVariance(modelOutput, xt, t, opts);
      const eps = this.predictEpsFromXstart(xt, t, out.predXstart);
      const sigma = this.ddimSigma(eta);
      const abarPrev = this.c.alphasCumprodPrev;
      const dirCoef = abarPrev.map((ap, i) => Math.sqrt(Math.max(0, 1 - ap - sigma[i] * sigma[i])));
      const meanPred = tf.add(tf.mul(out.predXstart, this.coef(abarPrev.map(Math.sqrt), t)), tf.mul(this.coef(dirCoef, t), eps));
      // sigma is 0 at index 0 (abar_{t-1} = 1 there), so no mask is needed for the last step.
      const sample = (noise && eta !== 0 ? tf.add(meanPred, tf.mul(this.coef(sigma, t), noise)) : meanPred) as Tensor4D;
      return { sample, predXstart: out.predXstart };
    });
  }

  /**
   * Eq. dpm-solver-2m: one step of DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++", Algorithm 2) from
   * index t to t-1, on the data prediction x0_hat and half-log-SNR lambda = log(alpha / sigma), with
   * alpha = sqrt(abar), sigma = sqrt(1 - abar) and h = lambda_{t-1} - lambda_t:
   *   first order:  x_{t-1} = (sigma_{t-1} / sigma_t) x_t - alpha_{t-1} (e^{-h} - 1) x0_hat_t
   *   second order: the same with x0_hat_t + (x0_hat_t - x0_hat_{t+1}) / (2 r), r = h_last / h,
   * where x0_hat_{t+1} (prevX0) is the previous step's prediction and h_last the previous step's h.
   * The first step (no prevX0) and the last (to abar = 1, where x_0 = x0_hat) are first order, as
   * diffusers' DPMSolverMultistepScheduler does. Deterministic; the variance channels are ignored.
   */
  dpmSolver2MStep(modelOutput: Tensor4D, xt: Tensor4D, t: ArrayLike<number>, prevX0: Tensor4D | null, opts: { clipDenoised?: boolean } = {}): StepResult {
    const i = t[0];
    for (let k = 1; k < t.length; k++) if (t[k] !== i) throw new Error('dpmSolver2MStep needs one timestep for the whole batch');
    const abar = this.c.alphasCumprod;
    const abarPrev = this.c.alphasCumprodPrev[i];
    const lambda = (a: number) => 0.5 * Math.log(a / (1 - a)); // log(alpha / sigma)
    return tf.tidy(() => {
      const out = this.pMeanVariance(modelOutput, xt, t, opts);
      const x0 = out.predXstart;
      if (abarPrev >= 1) return { sample: tf.clone(x0), predXstart: x0 }; // the last step lands on x0_hat
      const h = lambda(abarPrev) - lambda(abar[i]);
      const ratio = Math.sqrt((1 - abarPrev) / (1 - abar[i])); // sigma_{t-1} / sigma_t
      const c = -Math.sqrt(abarPrev) * Math.expm1(-h); // -alpha_{t-1} (e^{-h} - 1)
      let d = x0;
      if (prevX0 && i + 1 < abar.length) {
        const r = (lambda(abar[i]) - lambda(abar[i + 1])) / h;
        d = tf.add(x0, tf.mul(1 / (2 * r), tf.sub(x0, prevX0))) as Tensor4D;
      }
      const sample = tf.add(tf.mul(ratio, xt), tf.mul(c, d)) as Tensor4D;
      return { sample, predXstart: x0 };
    });
  }

  /** sigma_t of Eq. ddim-step for each index, float64. */
  ddimSigma(eta: number): Float64Array {
    const { alphasCumprod: abar, alphasCumprodPrev: abarPrev } = this.c;
    return abar.map((a, i) => eta * Math.sqrt((1 - abarPrev[i]) / (1 - a)) * Math.sqrt(1 - a / abarPrev[i]));
  }

  // -------------------------------------------------------------------------------------------
  // Losses
  // -------------------------------------------------------------------------------------------

  /**
   * Eq. l-vlb, one term per item, in bits per dimension as the official _vb_terms_bpd: at index 0 the
   * discretized Gaussian decoder NLL of x_0, elsewhere KL(q(x_{t-1} | x_t, x_0) || p(x_{t-1} | x_t)).
   * x_0 is not clipped (the code passes clip_denoised=False here). Returns (N).
   */
  vbTermsBpd(modelOutput: Tensor4D, x0: Tensor4D, xt: Tensor4D, t: ArrayLike<number>): Tensor1D {
    return tf.tidy(() => {
      const trueq = this.qPosteriorMeanVariance(x0, xt, t);
      const p = this.pMeanVariance(modelOutput, xt, t, { clipDenoised: false });
      const kl = tf.div(meanFlat(normalKl(trueq.mean, trueq.logVariance, p.mean, p.logVariance)), Math.LN2);
      const nll = tf.div(meanFlat(tf.neg(discretizedGaussianLogLikelihood(x0, p.mean, tf.mul(0.5, tf.broadcastTo(p.logVariance, x0.shape))))), Math.LN2);
      const isFirst = tf.tensor1d(
        Array.from(t, (i) => (i === 0 ? 1 : 0)),
        'bool',
      );
      return tf.where(isFirst, nll, kl) as Tensor1D;
    });
  }

  /**
   * Training losses for one batch (the official training_losses with loss_type MSE, DiT's setting):
   * x_t = Eq. q-sample(x_0, t, noise); mse = Eq. l-simple per item; with a learned variance also
   * vb = Eq. l-vlb computed from [stopGradient(eps), v], so the bound trains only the variance and
   * L_simple alone trains eps, and loss = Eq. l-hybrid = mse + vb. (IDDPM weights vb by lambda = 0.001
   * with RESCALED_MSE over 4000 steps; DiT's create_diffusion uses plain MSE, so the weight is 1.)
   * t are this process's indices; the model is called with the original timesteps.
   */
  trainingLosses(model: DiffusionModelFn, x0: Tensor4D, t: ArrayLike<number>, y: ArrayLike<number> | Tensor1D, noise: Tensor4D): TrainingLosses {
    this.checkTimesteps(t, x0.shape[0]);
    const kept: tf.Tensor[] = [];
    try {
      // Not one tf.tidy: lossesFromOutput's vb may be null, which a tidy cannot return.
      const xt = this.qSample(x0, t, noise);
      kept.push(xt);
      const modelOutput = this.callModel(model, xt, t, y);
      kept.push(modelOutput);
      return this.lossesFromOutput(modelOutput, x0, xt, t, noise);
    } finally {
      tf.dispose(kept);
    }
  }

  /** Eq. l-simple and Eq. l-hybrid: the losses of trainingLosses given the network output (for tests and for callers that ran the model). */
  lossesFromOutput(modelOutput: Tensor4D, x0: Tensor4D, xt: Tensor4D, t: ArrayLike<number>, noise: Tensor4D): TrainingLosses {
    this.checkTimesteps(t, x0.shape[0]);
    // tf.tidy keeps only tensors, so a fixed variance returns vb = [] and it becomes null below.
    const out = tf.tidy(() => {
      const { eps, v } = this.splitOutput(modelOutput, x0.shape[3]);
      // Eq. l-simple
      const mse = meanFlat(tf.square(tf.sub(noise, eps))) as Tensor1D;
      if (!v) return { loss: mse, mse, vb: [] as Tensor1D[] };
      const frozen = concatLastAxis([stopGradient(eps), v]) as Tensor4D;
      const vb = this.vbTermsBpd(frozen, x0, xt, t);
      // Eq. l-hybrid
      const loss = tf.add(mse, vb) as Tensor1D;
      return { loss, mse, vb: [vb] };
    });
    return { loss: out.loss, mse: out.mse, vb: out.vb[0] ?? null };
  }
}
