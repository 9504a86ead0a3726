/**
 * The one sampling road: a reverse-diffusion run from x_T to x_0, used by the browser worker (the
 * widgets), the in-browser trainer, the command line (`sample`), shipping and `eval`. It is driven one
 * step at a time, so the worker can stream pictures and stop between steps:
 *
 *   x_T ~ N(0, I) from each sample's seed  ->  for each respaced step: DiT (with CFG, Eq. cfg) ->
 *   DDPM or DDIM step (Eq. ddpm-step, ddim-step)  ->  the VAE decoder turns latents into pictures.
 *
 * Noise is drawn in JS from each sample's own seed (lib/random.ts), never by the backend, so a seed
 * gives the same x_T and the same step noise on wasm, WebGL, WebGPU and in Node, whatever the batch
 * it sits in: a sample's pictures do not depend on its neighbours, on the guidance scales of the
 * others, or on how a long evaluation is cut into chunks. `sample --seed 5 --n 16` on the command line
 * and the reverse sampler's seed 5 are the same sixteen samples (batchSeeds).
 *
 * Letters: N samples, H, W latent side, C latent channels, K network output channels, S picture side.
 */
import { tf } from '../tf';
import { gaussianRng } from '../random';
import type { DiffusionModelFn, GaussianDiffusion } from '../diffusion/gaussian-diffusion';
import type { DiT } from '../dit/model';
import { classifierFreeGuidance, isUnguided, type CfgMode } from '../diffusion/guidance';
import { spacedDiffusion } from '../diffusion/respace';
import { spaceTimesteps, type SectionCounts } from '../diffusion/spacing';
import { randomLabel, type SamplerName } from './settings';

type Tensor4D = tf.Tensor4D;
type Tensor1D = tf.Tensor1D;

export { batchSeeds, randomLabel } from './settings';
export type { SamplerName };
/** Which output channels classifier-free guidance mixes: all latent channels, or the first three as the official code does. */
export type CfgChannels = CfgMode;

/** What a run needs from the loaded models (lib/sample/models.ts builds it from a DiT and a VAE decoder). */
export interface SamplerModel {
  /** The network: x (N, H, W, C) latents, t (N) original timesteps, y (N) labels (numClasses = null class) -> (N, H, W, K). */
  forward(x: Tensor4D, t: Tensor1D, y: Tensor1D): Tensor4D;
  /** Latents (N, H, W, C) in the DiT's space (VAE latents times the scale factor) -> pictures (N, S, S, 1) in [-1, 1]. */
  decode(z: Tensor4D): Tensor4D;
  /** Training betas (T = 1000 for DiT). */
  betas: Float64Array;
  latentSize: number;
  latentChannels: number;
  numClasses: number;
  /** The network also outputs v (Eq. learned-variance); otherwise the variance is fixed to beta_t. */
  learnSigma: boolean;
}

/**
 * Where the Gaussian draws come from: draw(per) returns N * per values, sample-major (sample 0's per
 * values, then sample 1's, ...), the next ones of the run. The default is one stream per sample.
 */
export interface NoiseSource {
  draw(per: number): Float32Array;
}

/** One Gaussian stream per sample, seeded by its seed: the road's noise. */
export function perSampleNoise(seeds: ArrayLike<number>): NoiseSource {
  const rngs = Array.from(seeds, (s) => gaussianRng(s >>> 0));
  return {
    draw(per) {
      const out = new Float32Array(rngs.length * per);
      rngs.forEach((next, i) => {
        for (let k = 0; k < per; k++) out[i * per + k] = next();
      });
      return out;
    },
  };
}

export interface SamplingSpec {
  /** Class label per sample, 0..numClasses-1, numClasses for the null class; -1 draws a class from the sample's seed. */
  labels: ArrayLike<number>;
  /** Seed per sample: the same seed gives the same x_T and the same noise at every DDPM/DDIM step. */
  seeds: ArrayLike<number>;
  /** Sampling steps K of the T (Eq. respacing): a count, "K1,K2" sections, or "ddimK". */
  steps: SectionCounts;
  sampler: SamplerName;
  /** DDIM's eta: 0 is deterministic DDIM, 1 matches DDPM's variance. Ignored by the other samplers. */
  eta: number;
  /** Guidance scale s (Eq. cfg), or one per sample; 1 is the plain conditional model (no doubled batch). */
  guidanceScale: number | ArrayLike<number>;
  cfgChannels: CfgChannels;
  /** Which sample's x_t and predicted x_0 step() decodes (the widget's filmstrip); -1 (default) for none. */
  traceIndex?: number;
  /** Clip the predicted x_0 to [-1, 1]; DiT's sample.py does not (default false). */
  clipDenoised?: boolean;
  /** Draw from here instead of the seeds' streams (tests replaying another noise order). */
  noise?: NoiseSource;
}

/** One step's latents, as advance() returns them: owned by the run, valid until the next step. */
export interface LatentStep {
  /** Step number, 0 .. total-1. */
  i: number;
  total: number;
  /** The original timestep index this step started from (the paper's t is t + 1). */
  t: number;
  /** The original timestep index it arrived at, -1 for x_0. */
  tPrev: number;
  /** The state after the step (N, H, W, C): x at tPrev, or the final sample after the last step. */
  xt: Tensor4D;
  /** This step's predicted x_0 (N, H, W, C). */
  predX0: Tensor4D;
}

/** What step() and start() return: pictures, not tensors. */
export interface StepOutput {
  step: number;
  totalSteps: number;
  /** Original timestep index of the step just taken (T - 1 for x_T). */
  t: number;
  /** Decoded x_{t-1} and x_0 prediction of the traced sample (S*S each), empty when not traced. */
  xt: Float32Array;
  x0: Float32Array;
  /** Decoded x_0 predictions of all samples (N*S*S) when asked for, else empty. */
  grid: Float32Array;
}

export interface FinalOutput {
  /** N decoded pictures, S*S each, row-major, in [-1, 1]. */
  images: Float32Array;
  labels: Int32Array;
}

/**
 * A DiT and a decoder as the road's model. `pass` 'infer' is the forward pass without gradients on
 * cached transposed weights (lib/dit/model.ts), for weights that no longer change; 'forward' reads the
 * live weights, for a model still training.
 */
export function ditSamplerModel(net: DiT, decode: (z: Tensor4D) => Tensor4D, betas: Float64Array, pass: 'infer' | 'forward' = 'infer'): SamplerModel {
  const c = net.config;
  return {
    forward: pass === 'infer' ? (x, t, y) => net.infer(x, t, y) : (x, t, y) => net.forward(x, t, y),
    decode,
    betas,
    latentSize: c.inputSize,
    latentChannels: c.inChannels,
    numClasses: c.numClasses,
    learnSigma: c.learnSigma,
  };
}

/** The guided network of a spec: Eq. cfg with its scales, or the model itself when every scale is 1. */
export function guidedNet(model: SamplerModel, scale: number | ArrayLike<number>, mode: CfgChannels): DiffusionModelFn {
  const forward: DiffusionModelFn = (x, t, y) => model.forward(x, t, y);
  return isUnguided(scale) ? forward : classifierFreeGuidance(forward, { scale, mode, numClasses: model.numClasses });
}

/** A sampling run; advance() or step() until done, then finish() (pictures) or takeSample() (latents); dispose() at any point. */
export class SamplingRun {
  readonly totalSteps: number;
  readonly labels: Int32Array;
  readonly diffusion: GaussianDiffusion;
  private readonly noise: NoiseSource;
  private readonly per: number;
  private readonly net: DiffusionModelFn;
  private readonly y: Tensor1D;
  private readonly traceIndex: number;
  private x: Tensor4D | null;
  private lastX0: Tensor4D | null = null;
  private index: number; // this process's index of the next step, counting down
  private stepCount = 0;

  constructor(
    private readonly model: SamplerModel,
    private readonly spec: SamplingSpec,
  ) {
    const n = spec.labels.length;
    if (spec.seeds.length !== n) throw new Error(`${spec.seeds.length} seeds for ${n} labels`);
    const scales = spec.guidanceScale;
    if (typeof scales !== 'number' && scales.length !== n) throw new Error(`${scales.length} guidance scales for ${n} samples`);
    // Eq. respacing: the network sees original timesteps (official SpacedDiffusion).
    this.diffusion = spacedDiffusion(model.betas, spaceTimesteps(model.betas.length, spec.steps), {
      modelVarType: model.learnSigma ? 'learned-range' : 'fixed-large',
    });
    this.totalSteps = this.diffusion.numTimesteps;
    this.net = guidedNet(model, scales, spec.cfgChannels);
    const seeds = Array.from(spec.seeds);
    this.labels = Int32Array.from(spec.labels, (l, i) => (l < 0 ? randomLabel(seeds[i], model.numClasses) : l));
    if (this.labels.some((l) => l > model.numClasses)) throw new Error(`labels must be at most ${model.numClasses} (the null class)`);
    this.traceIndex = spec.traceIndex ?? -1;
    if (this.traceIndex >= n) throw new Error(`traceIndex ${this.traceIndex} is outside the batch of ${n}`);
    this.noise = spec.noise ?? perSampleNoise(seeds);
    this.per = model.latentSize * model.latentSize * model.latentChannels;
    this.x = tf.keep(tf.tensor4d(this.noise.draw(this.per), [n, model.latentSize, model.latentSize, model.latentChannels])); // x_T
    this.y = tf.keep(tf.tensor1d(this.labels, 'int32'));
    this.index = this.totalSteps - 1;
  }

  get stepsTaken(): number {
    return this.stepCount;
  }

  get done(): boolean {
    return this.index < 0;
  }

  /** The current state (N, H, W, C): x_T before the first step, x_0 after the last. Owned by the run. */
  get current(): Tensor4D {
    if (!this.x) throw new Error('the sample was taken');
    return this.x;
  }

  /** One reverse step on the latents (synchronous, all intermediates freed); the tensors stay the run's. */
  advance(): LatentStep {
    if (this.done) throw new Error('the sampling run is finished');
    const i = this.index;
    const d = this.diffusion;
    const tIdx = new Array<number>(this.labels.length).fill(i);
    // DDPM's last step adds no noise; DDIM draws at every step when eta > 0; DPM-Solver++ never.
    const needNoise = this.spec.sampler === 'ddpm' ? i > 0 : this.spec.sampler === 'ddim' && this.spec.eta > 0;
    const noiseData = needNoise ? this.noise.draw(this.per) : null;
    const x = this.current;
    const next = tf.tidy(() => {
      const out = d.callModel(this.net, x, tIdx, this.y); // (N, H, W, K)
      const noise = noiseData ? tf.tensor4d(noiseData, x.shape) : null;
      const clip = { clipDenoised: this.spec.clipDenoised ?? false };
      const r =
        this.spec.sampler === 'ddpm'
          ? d.pSample(out, x, tIdx, noise ?? tf.zerosLike(x), clip)
          : this.spec.sampler === 'ddim'
            ? d.ddimSample(out, x, tIdx, noise, { ...clip, eta: this.spec.eta })
            : d.dpmSolver2MStep(out, x, tIdx, this.lastX0, clip); // with the previous step's x_0 prediction
      return { sample: r.sample, predXstart: r.predXstart };
    });
    x.dispose();
    this.lastX0?.dispose();
    // kept, so that a caller's enclosing tf.tidy cannot free the run's state
    this.x = tf.keep(next.sample);
    this.lastX0 = tf.keep(next.predXstart);
    this.index--;
    this.stepCount++;
    return { i: this.stepCount - 1, total: this.totalSteps, t: d.timestepMap[i], tPrev: i > 0 ? d.timestepMap[i - 1] : -1, xt: this.x, predX0: this.lastX0 };
  }

  /** Takes one reverse step and decodes what the widget shows. withGrid decodes every sample's x_0. */
  async step(withGrid: boolean): Promise<StepOutput> {
    if (this.done || !this.x) throw new Error('SamplingRun.step after the last step');
    const { t } = this.advance();
    const tr = this.traceIndex;
    const n = this.labels.length;
    let xt = new Float32Array(0);
    let x0 = new Float32Array(0);
    let grid = new Float32Array(0);
    if (tr >= 0 || withGrid) {
      // One decoder call: [x_{t-1} of the traced sample, x_0 of the traced sample or of all samples].
      const pics = tf.tidy(() => {
        const parts: Tensor4D[] = [];
        if (tr >= 0) parts.push(tf.slice(this.x!, [tr, 0, 0, 0], [1, -1, -1, -1]));
        parts.push(withGrid ? this.lastX0! : tf.slice(this.lastX0!, [tr, 0, 0, 0], [1, -1, -1, -1]));
        return this.model.decode(tf.concat(parts, 0));
      });
      try {
        const data = (await pics.data()) as Float32Array;
        const s = pics.shape[1]! * pics.shape[2]!;
        let o = 0;
        if (tr >= 0) {
          xt = data.slice(0, s);
          o = s;
        }
        if (withGrid) {
          grid = data.slice(o, o + n * s);
          if (tr >= 0) x0 = grid.slice(tr * s, (tr + 1) * s);
        } else {
          x0 = data.slice(o, o + s);
        }
      } finally {
        pics.dispose();
      }
    }
    return { step: this.stepCount - 1, totalSteps: this.totalSteps, t, xt, x0, grid };
  }

  /**
   * The starting noise x_T decoded, before any network call: the first picture a reader sees after a
   * change, one decoder call away (step -1; no predicted x_0 yet, so x0 is empty).
   */
  async start(withGrid: boolean): Promise<StepOutput> {
    if (!this.x || this.stepCount > 0) throw new Error('SamplingRun.start before the first step only');
    const tr = this.traceIndex;
    const x = this.x;
    const empty = new Float32Array(0);
    // x_T is the state at the last training timestep (0-based T - 1), where the first step starts.
    const tT = this.model.betas.length - 1;
    if (tr < 0 && !withGrid) return { step: -1, totalSteps: this.totalSteps, t: tT, xt: empty, x0: empty, grid: empty };
    const pics = tf.tidy(() => this.model.decode(withGrid ? x : tf.slice(x, [tr, 0, 0, 0], [1, -1, -1, -1])));
    try {
      const data = (await pics.data()) as Float32Array;
      const s = pics.shape[1]! * pics.shape[2]!;
      const grid = withGrid ? Float32Array.from(data) : empty;
      const xt = tr < 0 ? empty : withGrid ? data.slice(tr * s, (tr + 1) * s) : Float32Array.from(data);
      return { step: -1, totalSteps: this.totalSteps, t: tT, xt, x0: empty, grid };
    } finally {
      pics.dispose();
    }
  }

  /** The final pictures: the decoded x_0 (the sample after the last step). */
  async finish(): Promise<FinalOutput> {
    if (!this.done || !this.x) throw new Error('SamplingRun.finish before the last step');
    const x = this.x;
    const pics = tf.tidy(() => this.model.decode(x));
    try {
      return { images: Float32Array.from((await pics.data()) as Float32Array), labels: this.labels };
    } finally {
      pics.dispose();
    }
  }

  /** Hands the current latents to the caller (who then owns them) and frees the rest. */
  takeSample(): Tensor4D {
    const out = this.current;
    this.x = null;
    this.dispose();
    return out;
  }

  dispose(): void {
    this.x?.dispose();
    this.x = null;
    this.lastX0?.dispose();
    this.lastX0 = null;
    this.y.dispose();
  }
}

/**
 * Runs a whole sampling loop to its decoded pictures. `between` runs after every step (a worker yields
 * to its message queue there); returning false cancels, and the result is then null.
 */
export async function samplePictures(
  model: SamplerModel,
  spec: SamplingSpec,
  between?: () => boolean | void | Promise<boolean | void>,
): Promise<FinalOutput | null> {
  const run = new SamplingRun(model, spec);
  try {
    while (!run.done) {
      run.advance();
      if (between && (await between()) === false) return null;
    }
    return await run.finish();
  } finally {
    run.dispose();
  }
}
