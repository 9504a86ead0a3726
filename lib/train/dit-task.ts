/**
 * The DiT training recipe (facebookresearch/DiT train.py) as a TrainTask for the generic loop
 * (loop.ts): each step takes a batch of cached VAE latents, draws
 *   z ~ q(z | x) = N(mean, std^2) times the latent scale factor (train.py samples the posterior:
 *                  vae.encode(x).latent_dist.sample().mul_(0.18215); we do the same, per step),
 *   t ~ Uniform{0..T-1}, eps ~ N(0, I), and the CFG label dropout (10 %, models.py),
 * all from the loop's RNG (so a resume is bit-identical), and returns the batch mean of the
 * official training_losses: Eq. l-simple, plus Eq. l-vlb with learned sigma (Eq. l-hybrid).
 * train.py also flips images horizontally; digits are not symmetric (a flipped 2 is no 2), so we don't.
 *
 * Letters: N batch, H W latent side, C latent channels.
 */
import { tf } from '../tf';
import { DiT } from '../dit/model';
import type { DiTConfig } from '../dit/config';
import { createDiffusion } from '../diffusion/respace';
import { warmupConstant } from './browser-recipe';
import { FROZEN_PARAMETERS } from '../dit/params';
import type { GaussianDiffusion } from '../diffusion/gaussian-diffusion';
import type { LossResult, TrainOptions, TrainTask } from './loop';
import type { TrainRng } from './rng';
import { dropLabelsForCfg, uniformTimesteps } from './diffusion-helpers';

/**
 * The training split encoded once by the VAE: per image the posterior mean and standard deviation,
 * both already multiplied by the latent scale factor, NHWC (count, H, W, C) row-major.
 */
export interface LatentDataset {
  count: number;
  /** H = W. */
  size: number;
  channels: number;
  labels: Uint8Array | Int32Array;
  /** scale * mu(x), count*H*W*C. */
  mean: Float32Array;
  /** scale * sigma(x), count*H*W*C; null: a deterministic encoder (train on the mean). */
  std: Float32Array | null;
}

/** 'posterior': a fresh z ~ N(mean, std^2) each time an image is drawn (the paper's recipe); 'mean': z = mean. */
export type LatentMode = 'posterior' | 'mean';

export interface DiTBatch {
  n: number;
  mean: Float32Array;
  std: Float32Array | null;
  labels: Int32Array;
}

export interface DiTTaskOptions {
  latentMode?: LatentMode;
}

/** Values per latent. */
export function latentSize(d: Pick<LatentDataset, 'size' | 'channels'>): number {
  return d.size * d.size * d.channels;
}

export function checkLatentDataset(d: LatentDataset): void {
  const per = latentSize(d);
  if (d.labels.length !== d.count) throw new Error(`LatentDataset: ${d.labels.length} labels for ${d.count} latents`);
  if (d.mean.length !== d.count * per) throw new Error(`LatentDataset: mean has ${d.mean.length} values, expected ${d.count * per}`);
  if (d.std && d.std.length !== d.count * per) throw new Error(`LatentDataset: std has ${d.std.length} values, expected ${d.count * per}`);
}

/** The task, plus what a data-parallel step needs to draw a batch's randomness itself. */
export interface DiTTask extends TrainTask<DiTBatch> {
  drawOptions: DrawOptions;
}

export function createDiTTask(model: DiT, diffusion: GaussianDiffusion, data: LatentDataset, opts: DiTTaskOptions = {}): DiTTask {
  checkLatentDataset(data);
  const cfg = model.config;
  if (data.size !== cfg.inputSize || data.channels !== cfg.inChannels) {
    throw new Error(
      `createDiTTask: latents are ${data.size}x${data.size}x${data.channels}, the model takes ${cfg.inputSize}x${cfg.inputSize}x${cfg.inChannels}`,
    );
  }
  const wantsSigma = diffusion.modelVarType === 'learned-range';
  if (wantsSigma !== cfg.learnSigma)
    throw new Error(`createDiTTask: the model has learnSigma=${cfg.learnSigma} but the diffusion's variance is '${diffusion.modelVarType}'`);
  const mode = opts.latentMode ?? 'posterior';
  if (mode === 'posterior' && !data.std) throw new Error("createDiTTask: latentMode 'posterior' needs the posterior std in the latent dataset");
  const per = latentSize(data);
  const params = Object.fromEntries(Object.entries(model.stateDict()).filter(([k]) => !FROZEN_PARAMETERS.has(k)));
  const drawOpts: DrawOptions = {
    numTimesteps: diffusion.numTimesteps,
    numClasses: cfg.numClasses,
    dropProb: cfg.classDropoutProb,
    size: data.size,
    channels: data.channels,
  };

  return {
    params,
    drawOptions: drawOpts,
    datasetSize: data.count,
    makeBatch(indices: Int32Array): DiTBatch {
      const n = indices.length;
      const mean = new Float32Array(n * per);
      const std = mode === 'posterior' && data.std ? new Float32Array(n * per) : null;
      const labels = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        const i = indices[k];
        mean.set(data.mean.subarray(i * per, (i + 1) * per), k * per);
        if (std && data.std) std.set(data.std.subarray(i * per, (i + 1) * per), k * per);
        labels[k] = data.labels[i];
      }
      return { n, mean, std, labels };
    },
    loss(batch: DiTBatch, rng: TrainRng): LossResult {
      return ditLossOnDraws(model, diffusion, drawDiTStep(batch, rng, drawOpts));
    },
    split(batch: DiTBatch, rng: TrainRng, size: number) {
      const d = drawDiTStep(batch, rng, drawOpts);
      const parts = [];
      for (let lo = 0; lo < d.n; lo += size) {
        const part = sliceDraws(d, lo, Math.min(d.n, lo + size));
        parts.push({ weight: part.n / d.n, loss: () => ditLossOnDraws(model, diffusion, part) });
      }
      return parts;
    },
  };
}

/** Everything random about one step, drawn on the JS side (so it can also be split across workers). */
export interface DiTStepDraws {
  n: number;
  /** (N, H, W, C) latent side and channels. */
  size: number;
  channels: number;
  /** x_0: posterior samples (or means), N*H*W*C. */
  z: Float32Array;
  /** Timestep indices (N). */
  t: Int32Array;
  /** Labels after CFG dropout (N); numClasses is the null class. */
  y: Int32Array;
  /** eps (N*H*W*C). */
  noise: Float32Array;
}

/**
 * The step's draws from the training RNG, in a fixed order (posterior, timesteps, label dropout,
 * noise) so that a resume replays them exactly.
 */
export interface DrawOptions {
  numTimesteps: number;
  numClasses: number;
  /** CFG label-dropout probability. */
  dropProb: number;
  size: number;
  channels: number;
}

export function drawDiTStep(batch: DiTBatch, rng: TrainRng, o: DrawOptions): DiTStepDraws {
  const { n } = batch;
  const total = batch.mean.length;
  const z = new Float32Array(total);
  if (batch.std) {
    const e = rng.normalArray(total);
    for (let k = 0; k < total; k++) z[k] = batch.mean[k] + batch.std[k] * e[k];
  } else z.set(batch.mean);
  const t = uniformTimesteps(n, o.numTimesteps, rng);
  const y = o.dropProb > 0 ? dropLabelsForCfg(batch.labels, o.numClasses, rng, o.dropProb) : Int32Array.from(batch.labels);
  const noise = rng.normalArray(total);
  return { n, size: o.size, channels: o.channels, z, t, y, noise };
}

/** Items lo..hi-1 of a step's draws. */
export function sliceDraws(d: DiTStepDraws, lo: number, hi: number): DiTStepDraws {
  const per = d.z.length / d.n;
  return {
    n: hi - lo,
    size: d.size,
    channels: d.channels,
    z: d.z.slice(lo * per, hi * per),
    t: d.t.slice(lo, hi),
    y: d.y.slice(lo, hi),
    noise: d.noise.slice(lo * per, hi * per),
  };
}

/** The batch-mean training loss (Eq. l-hybrid with learned sigma, else Eq. l-simple) for given draws. */
export function ditLossOnDraws(model: DiT, diffusion: GaussianDiffusion, d: DiTStepDraws): LossResult {
  const s: [number, number, number, number] = [d.n, d.size, d.size, d.channels];
  const x0 = tf.tensor4d(d.z, s); // (N, H, W, C)
  const eps = tf.tensor4d(d.noise, s); // (N, H, W, C)
  // Labels are already dropped from the training RNG, so the model runs with train: false
  // (its own dropout would draw from tfjs's RNG, which a checkpoint cannot capture).
  const fn = (x: tf.Tensor4D, tt: tf.Tensor1D, yy: tf.Tensor1D) => model.forward(x, tt, yy, { train: false });
  const l = diffusion.trainingLosses(fn, x0, d.t, d.y, eps);
  const loss = tf.mean(l.loss) as tf.Scalar;
  const metrics: Record<string, tf.Scalar> = { mse: tf.mean(l.mse) as tf.Scalar };
  if (l.vb) metrics.vb = tf.mean(l.vb) as tf.Scalar;
  return { loss, metrics };
}

/** How a DiT is trained: the command-line recipes (dit-recipes.ts) and the in-browser trainer (browser-recipe.ts) alike. */
export interface DiTTrainingSetup {
  config: DiTConfig;
  seed: number;
  batchSize: number;
  microBatch?: number;
  totalSteps: number;
  /** Peak learning rate, or a function read at every step (the browser's slider). */
  lr: number | (() => number);
  warmupSteps: number;
  emaDecay: number;
}

/**
 * The one DiT training set-up: the network (seeded), DiT's diffusion (learned sigma, linear over
 * 1,000), the DiT task on the latents, and the loop's options (AdamW with linear warm-up to the peak
 * then constant, EMA with warm-up). The Trainer or its data-parallel twin is built from these.
 */
export function ditTrainingParts(s: DiTTrainingSetup, data: LatentDataset): { model: DiT; diffusion: GaussianDiffusion; task: DiTTask; options: TrainOptions } {
  const model = new DiT(s.config, s.seed);
  const diffusion = createDiffusion({ learnSigma: s.config.learnSigma });
  const task = createDiTTask(model, diffusion, data, { latentMode: data.std ? 'posterior' : 'mean' });
  const options: TrainOptions = {
    seed: s.seed,
    batchSize: s.batchSize,
    ...(s.microBatch ? { microBatch: s.microBatch } : {}),
    totalSteps: s.totalSteps,
    lr: warmupConstant(s.lr, s.warmupSteps),
    ema: { decay: s.emaDecay, warmup: true },
  };
  return { model, diffusion, task, options };
}
