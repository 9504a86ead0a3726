/**
 * The sampling loop: start from x_T ~ N(0, I) and apply K reverse steps (DDPM ancestral or DDIM),
 * optionally with classifier-free guidance, down to x_0. Built for the browser worker: a
 * SamplingRun is driven one step at a time (the caller can check for cancellation and post each
 * step's x_t and predicted x_0 between steps), and sampleLoop drives one with an async callback.
 *
 * All randomness comes from lib/random.ts as typed arrays, so a run is the same on every backend:
 * one Gaussian stream seeded by `seed` gives x_T first (N*H*W*C draws, unless xT is given), then, for
 * a stochastic sampler (DDPM, or DDIM with eta > 0), N*H*W*C draws for every step, the last included.
 *
 * Letters in shape comments: N batch, H height, W width, C latent channels.
 */
import { tf } from '../tf';
import { gaussianRng } from '../random';
import type { DiffusionModelFn, GaussianDiffusion } from './gaussianDiffusion';
import { classifierFreeGuidance, type CfgMode } from './guidance';
import { respace, type SectionCounts } from './respace';

export type SamplerName = 'ddpm' | 'ddim';

export interface SampleOptions {
  /** 'ddpm' (Eq. ddpm-step, DiT's default) or 'ddim' (Eq. ddim-step). Default 'ddpm'. */
  sampler?: SamplerName;
  /** DDIM's eta (0 deterministic, 1 the DDPM variance). Default 0. Ignored by 'ddpm'. */
  eta?: number;
  /** Sampling steps K of the T (Eq. respacing; also "K1,K2" or "ddimK"). Default: all T. */
  steps?: SectionCounts;
  /** Class labels y, one per sample (numClasses = the null class, unconditional). */
  labels: ArrayLike<number>;
  /** Number of real classes (the null class index). */
  numClasses: number;
  /** Guidance scale s (Eq. cfg). Default 1: the conditional model, no doubled batch. */
  cfgScale?: number;
  cfgMode?: CfgMode;
  /** Clip predicted x_0 to [-1, 1]; DiT's sample.py does not (default false). */
  clipDenoised?: boolean;
  /** Seed of the noise stream. Default 0. */
  seed?: number;
  /** x_T (N*H*W*C values, NHWC order) instead of drawing it, e.g. to compare guidance scales on the same noise. */
  xT?: Float32Array;
}

export interface SampleStepInfo {
  /** Step number, 0 .. total-1. */
  i: number;
  total: number;
  /** The original timestep index this step started from (x_t was at t; the paper's t is t + 1). */
  t: number;
  /** The original timestep index it arrived at, -1 for x_0. */
  tPrev: number;
  /** The state after the step, (N, H, W, C): x at tPrev, or the final sample after the last step. Owned by the run. */
  xt: tf.Tensor4D;
  /** This step's predicted x_0, (N, H, W, C). Owned by the run, valid until the next step. */
  predX0: tf.Tensor4D;
}

/**
 * One sampling run, stepped by the caller. Tensors it hands out stay owned by it; call dispose()
 * when done (after taking what you need, e.g. with takeSample()).
 */
export class SamplingRun {
  readonly diffusion: GaussianDiffusion;
  readonly total: number;
  readonly shape: [number, number, number, number];
  private readonly model: DiffusionModelFn;
  private readonly labels: Int32Array;
  private readonly opts: SampleOptions;
  private readonly nextGaussian: () => number;
  private readonly stochastic: boolean;
  private x: tf.Tensor4D | null;
  private predX0: tf.Tensor4D | null = null;
  private index: number; // the respaced process index of the next step
  private stepsDone = 0;

  constructor(diffusion: GaussianDiffusion, model: DiffusionModelFn, shape: [number, number, number, number], opts: SampleOptions) {
    const [n] = shape;
    if (opts.labels.length !== n) throw new Error(`${opts.labels.length} labels for a batch of ${n}`);
    this.diffusion = opts.steps === undefined ? diffusion : respace(diffusion, opts.steps);
    this.total = this.diffusion.numTimesteps;
    this.shape = shape;
    this.labels = Int32Array.from(opts.labels);
    this.opts = opts;
    const scale = opts.cfgScale ?? 1;
    this.model = scale === 1 ? model : classifierFreeGuidance(model, { scale, mode: opts.cfgMode, numClasses: opts.numClasses });
    const sampler = opts.sampler ?? 'ddpm';
    this.stochastic = sampler === 'ddpm' || (opts.eta ?? 0) !== 0;
    this.nextGaussian = gaussianRng(opts.seed ?? 0);
    const size = shape.reduce((a, b) => a * b, 1);
    if (opts.xT && opts.xT.length !== size) throw new Error(`xT has ${opts.xT.length} values, shape needs ${size}`);
    this.x = tf.keep(tf.tensor4d(opts.xT ?? this.draw(size), shape));
    this.index = this.total - 1;
  }

  private draw(size: number): Float32Array {
    const out = new Float32Array(size);
    for (let k = 0; k < size; k++) out[k] = this.nextGaussian();
    return out;
  }

  get done(): boolean {
    return this.index < 0;
  }

  /** The current state x (N, H, W, C): x_T before the first step, x_0 after the last. Owned by the run. */
  get current(): tf.Tensor4D {
    if (!this.x) throw new Error('the sample was taken');
    return this.x;
  }

  /** Run one reverse step (synchronous, all intermediates freed). */
  step(): SampleStepInfo {
    if (this.done) throw new Error('the sampling run is finished');
    const d = this.diffusion;
    const n = this.shape[0];
    const t = new Array<number>(n).fill(this.index);
    const noise = this.stochastic ? this.draw(this.shape.reduce((a, b) => a * b, 1)) : null;
    const x = this.current;
    const res = tf.tidy(() => {
      const out = d.callModel(this.model, x, t, this.labels); // (N, H, W, C or 2C)
      const z = noise ? tf.tensor4d(noise, this.shape) : null;
      const clip = { clipDenoised: this.opts.clipDenoised ?? false };
      return (this.opts.sampler ?? 'ddpm') === 'ddpm'
        ? d.pSample(out, x, t, z as tf.Tensor4D, clip)
        : d.ddimSample(out, x, t, z, { ...clip, eta: this.opts.eta ?? 0 });
    });
    x.dispose();
    this.predX0?.dispose();
    // kept, so that a caller's enclosing tf.tidy cannot free the run's state
    this.x = tf.keep(res.sample);
    this.predX0 = tf.keep(res.predXstart);
    const info: SampleStepInfo = {
      i: this.stepsDone,
      total: this.total,
      t: d.timestepMap[this.index],
      tPrev: this.index > 0 ? d.timestepMap[this.index - 1] : -1,
      xt: this.x,
      predX0: this.predX0,
    };
    this.index -= 1;
    this.stepsDone += 1;
    return info;
  }

  /** Hand the current state to the caller (who then owns it) and free the rest. */
  takeSample(): tf.Tensor4D {
    const out = this.current;
    this.x = null;
    this.dispose();
    return out;
  }

  dispose(): void {
    this.x?.dispose();
    this.x = null;
    this.predX0?.dispose();
    this.predX0 = null;
  }
}

export interface SampleResult {
  /** The final state (N, H, W, C): x_0, or the last x_t reached when cancelled. The caller owns it. */
  sample: tf.Tensor4D;
  cancelled: boolean;
  stepsRun: number;
}

/**
 * Run a whole sampling loop. onStep is called after every step with tensors owned by the loop (read
 * them, e.g. `await info.xt.data()`, before returning); returning false cancels. It may be async, so
 * a worker can yield to its message queue between steps.
 */
export async function sampleLoop(
  diffusion: GaussianDiffusion,
  model: DiffusionModelFn,
  shape: [number, number, number, number],
  opts: SampleOptions & { onStep?: (info: SampleStepInfo) => boolean | void | Promise<boolean | void> },
): Promise<SampleResult> {
  const run = new SamplingRun(diffusion, model, shape, opts);
  let cancelled = false;
  let stepsRun = 0;
  try {
    while (!run.done) {
      const info = run.step();
      stepsRun += 1;
      if (opts.onStep && (await opts.onStep(info)) === false) {
        cancelled = !run.done;
        break;
      }
    }
  } catch (e) {
    run.dispose();
    throw e;
  }
  return { sample: run.takeSample(), cancelled, stepsRun };
}
