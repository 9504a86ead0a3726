/**
 * One reverse-diffusion run, driven one step at a time so the worker can stream pictures and stop
 * between steps. Pure compute: tensors stay in here, and every step returns plain typed arrays.
 *
 *   x_T ~ N(0, I) from the seeds  ->  for each respaced step: DiT (with CFG) -> DDPM or DDIM step
 *   ->  the VAE decoder turns x_{t-1} and the predicted x_0 into pictures for the widget.
 *
 * Noise is drawn in JS from each sample's own seed (lib/random.ts), never by the backend, so a seed
 * gives the same x_T and the same step noise on wasm, WebGL and WebGPU, and the same picture for
 * every guidance scale in the guidance sweep.
 *
 * Letters: N samples, H, W latent side, C latent channels, S picture side.
 */
import { tf } from '../tf';
import { gaussianRng, mulberry32 } from '../random';
import type { GaussianDiffusion } from '../diffusion/gaussianDiffusion';
import { spacedDiffusion, spaceTimesteps } from '../diffusion/respace';
import type { CfgChannels, SampleParams, SamplerName } from './protocol';

type Tensor4D = tf.Tensor4D;
type Tensor1D = tf.Tensor1D;

/** What a run needs from the loaded models; the worker builds it from DiT + VAE (model-loader.ts). */
export interface SamplerModel {
  /** The network: x (N, H, W, C) latents, t (N) original timesteps, y (N) labels (numClasses = null class). */
  forward(x: Tensor4D, t: Tensor1D, y: Tensor1D): Tensor4D;
  /** Latents (N, H, W, C) in the DiT's space (VAE latents times the scale factor) -> pictures (N, S, S, 1) in [-1, 1]. */
  decode(z: Tensor4D): Tensor4D;
  /** Training betas (T = 1000). */
  betas: Float64Array;
  latentSize: number;
  latentChannels: number;
  numClasses: number;
  learnSigma: boolean;
}

/**
 * Eq. cfg with one guidance scale per sample: eps = eps(x, null) + s_i (eps(x, y) - eps(x, null)).
 * The same computation as lib/diffusion/guidance.ts classifierFreeGuidance (one network call on the
 * doubled batch [x; x] with labels [y; null], unguided channels from the conditional half), except
 * that s is an (N) vector, so the guidance sweep runs all its scales in one batch. With every s_i = 1
 * it is the plain conditional model and skips the unconditional half.
 */
export function guidedModel(model: SamplerModel, scales: Float32Array, mode: CfgChannels): (x: Tensor4D, t: Tensor1D, y: Tensor1D) => Tensor4D {
  if (scales.every((s) => s === 1)) return (x, t, y) => model.forward(x, t, y);
  return (x, t, y) =>
    tf.tidy(() => {
      const [n, h, w] = x.shape;
      const out = model.forward(tf.concat([x, x], 0), tf.concat([t, t], 0), tf.concat([tf.cast(y, 'int32'), tf.fill([n], model.numClasses, 'int32')], 0)); // (2N, H, W, K)
      const k = out.shape[3];
      const g = mode === 'all' ? model.latentChannels : Math.min(3, k);
      const cond = tf.slice(out, [0, 0, 0, 0], [n, h, w, k]); // (N, H, W, K)
      const uncond = tf.slice(out, [n, 0, 0, 0], [n, h, w, g]); // (N, H, W, g)
      const s = tf.tensor4d(scales, [n, 1, 1, 1]);
      const guided = tf.add(uncond, tf.mul(s, tf.sub(tf.slice(cond, [0, 0, 0, 0], [n, h, w, g]), uncond))); // (N, H, W, g)
      return (g === k ? guided : tf.concat([guided, tf.slice(cond, [0, 0, 0, g], [n, h, w, k - g])], 3)) as Tensor4D;
    });
}

/** The class a label of -1 ('random') resolves to for a seed: the same seed always gives the same class. */
export function randomLabel(seed: number, numClasses: number): number {
  return Math.floor(mulberry32((seed ^ 0x5bd1e995) >>> 0)() * numClasses);
}

export interface StepOutput {
  step: number;
  totalSteps: number;
  /** Original timestep index of the step just taken. */
  t: number;
  /** Decoded x_{t-1} and x_0 prediction of the traced sample (S*S each), empty when not traced. */
  xt: Float32Array;
  x0: Float32Array;
  /** Decoded x_0 predictions of all samples (N*S*S) when asked for, else empty. */
  grid: Float32Array;
}

export interface FinalOutput {
  images: Float32Array;
  labels: Int32Array;
}

export type RunParams = Pick<SampleParams, 'labels' | 'seeds' | 'steps' | 'sampler' | 'eta' | 'guidanceScale' | 'cfgChannels' | 'traceIndex'>;

/** A sampling run; call step() until done, then finish(); dispose() frees it at any point. */
export class SamplingRun {
  readonly totalSteps: number;
  readonly labels: Int32Array;
  private readonly diffusion: GaussianDiffusion;
  private readonly rngs: (() => number)[];
  private readonly sampler: SamplerName;
  private x: Tensor4D | null;
  private lastX0: Tensor4D | null = null;
  private readonly y: Tensor1D;
  private readonly net: (x: Tensor4D, t: Tensor1D, y: Tensor1D) => Tensor4D;
  private index: number; // this process's index of the next step, counting down
  private stepCount = 0;

  constructor(private readonly model: SamplerModel, private readonly p: RunParams) {
    const n = p.labels.length;
    this.sampler = p.sampler;
    this.totalSteps = p.steps;
    // Eq. respacing: DiT's sample.py respaces to the step count as one section; the network sees original timesteps.
    this.diffusion = spacedDiffusion(model.betas, spaceTimesteps(model.betas.length, p.steps), { modelVarType: model.learnSigma ? 'learned-range' : 'fixed-large' });
    const n0 = p.labels.length;
    const scales = Array.isArray(p.guidanceScale) ? p.guidanceScale : new Array<number>(n0).fill(p.guidanceScale);
    if (scales.length !== n0) throw new Error(`${scales.length} guidance scales for ${n0} samples`);
    this.net = guidedModel(model, Float32Array.from(scales), p.cfgChannels);
    this.labels = Int32Array.from(p.labels, (l, i) => (l < 0 ? randomLabel(p.seeds[i], model.numClasses) : l));
    if (this.labels.some((l) => l >= model.numClasses)) throw new Error(`labels must be below ${model.numClasses}`);
    this.rngs = p.seeds.map((s) => gaussianRng(s >>> 0));
    this.x = tf.tensor4d(this.draw(), [n, model.latentSize, model.latentSize, model.latentChannels]); // x_T
    this.y = tf.tensor1d(this.labels, 'int32');
    this.index = this.totalSteps - 1;
  }

  /** One standard normal latent per sample, each from its own seed's stream. (N*H*W*C) */
  private draw(): Float32Array {
    const per = this.model.latentSize * this.model.latentSize * this.model.latentChannels;
    const out = new Float32Array(this.rngs.length * per);
    this.rngs.forEach((next, i) => {
      for (let k = 0; k < per; k++) out[i * per + k] = next();
    });
    return out;
  }

  get stepsTaken(): number {
    return this.stepCount;
  }

  get done(): boolean {
    return this.index < 0;
  }

  /** Takes one reverse step and decodes what the widget shows. withGrid decodes every sample's x_0. */
  async step(withGrid: boolean): Promise<StepOutput> {
    if (this.done || !this.x) throw new Error('SamplingRun.step after the last step');
    const i = this.index;
    const n = this.labels.length;
    const tIdx = new Array<number>(n).fill(i);
    const needNoise = this.sampler === 'ddpm' ? i > 0 : this.p.eta > 0;
    const noiseData = needNoise ? this.draw() : null;
    const x = this.x;
    const next = tf.tidy(() => {
      const out = this.diffusion.callModel(this.net, x, tIdx, this.y); // (N, H, W, K)
      const noise = noiseData ? tf.tensor4d(noiseData, x.shape) : null;
      const r = this.sampler === 'ddpm'
        ? this.diffusion.pSample(out, x, tIdx, noise ?? tf.zerosLike(x))
        : this.diffusion.ddimSample(out, x, tIdx, noise, { eta: this.p.eta });
      return { sample: r.sample, predXstart: r.predXstart };
    });
    x.dispose();
    this.x = next.sample;
    this.lastX0?.dispose();
    this.lastX0 = next.predXstart;
    this.index--;
    this.stepCount++;

    const tr = this.p.traceIndex;
    const picSize = (pics: tf.Tensor) => pics.shape[1]! * pics.shape[2]!;
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
        const s = picSize(pics);
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
    return { step: this.stepCount - 1, totalSteps: this.totalSteps, t: this.diffusion.timestepMap[i], xt, x0, grid };
  }

  /**
   * The starting noise x_T decoded, before any network call: the first picture a reader sees after a
   * change, one decoder call away (step -1; no predicted x_0 yet, so x0 is empty).
   */
  async start(withGrid: boolean): Promise<StepOutput> {
    if (!this.x || this.stepCount > 0) throw new Error('SamplingRun.start before the first step only');
    const tr = this.p.traceIndex;
    const x = this.x;
    const empty = new Float32Array(0);
    if (tr < 0 && !withGrid) return { step: -1, totalSteps: this.totalSteps, t: this.model.betas.length - 1, xt: empty, x0: empty, grid: empty };
    const pics = tf.tidy(() => this.model.decode(withGrid ? x : tf.slice(x, [tr, 0, 0, 0], [1, -1, -1, -1])));
    try {
      const data = (await pics.data()) as Float32Array;
      const s = pics.shape[1]! * pics.shape[2]!;
      const grid = withGrid ? Float32Array.from(data) : empty;
      const xt = tr < 0 ? empty : withGrid ? data.slice(tr * s, (tr + 1) * s) : Float32Array.from(data);
      // x_T is the state at the last training timestep (0-based T - 1), where the first step starts.
      return { step: -1, totalSteps: this.totalSteps, t: this.model.betas.length - 1, xt, x0: empty, grid };
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

  dispose(): void {
    this.x?.dispose();
    this.x = null;
    this.lastX0?.dispose();
    this.lastX0 = null;
    this.y.dispose();
  }
}
