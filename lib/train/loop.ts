/**
 * The one training loop: the Node scripts (wasm backend) and the in-browser trainer both drive a
 * Trainer over a TrainTask. The loop is generic; what a model trains on lives in the task:
 *
 *   params     the trainable tf.Variables by PyTorch state_dict key
 *   makeBatch  dataset indices (from the loop's seeded epoch sampler) -> a plain batch
 *   loss       batch and the loop's RNG -> scalar loss (+ named scalar metrics). ALL randomness of a
 *              step (noise, timesteps, label dropout, reparameterisation) must come from that RNG,
 *              which is what makes a checkpoint + resume bit-identical to an uninterrupted run.
 *
 * Each step: sample indices -> gradients (tf.variableGrads) -> optional clip -> AdamW -> EMA -> log.
 * A checkpoint holds weights, AdamW moments and step count, EMA, RNG state, sampler state (the data
 * order), wall time and the per-step loss log.
 */
import { tf } from '../tf';
import { AdamW, type AdamWOptions, clipByGlobalNorm } from './adamw';
import { Ema, type EmaOptions } from './ema';
import { TrainRng, type RngState } from './rng';
import { EpochSampler, type SamplerState } from './sampler';
import { decodeCheckpoint, encodeCheckpoint, type TensorEntry } from './checkpoint';
import type { ProgressBar } from './progress';

export interface LossResult {
  loss: tf.Scalar;
  /** Extra scalars to log each step (e.g. the reconstruction and KL terms). */
  metrics?: Record<string, tf.Scalar>;
}

export interface TrainTask<B> {
  /** Trainable weights by state_dict key. The loop updates them in place. */
  params: Record<string, tf.Variable>;
  /** Number of examples the sampler permutes. */
  datasetSize: number;
  /** The batch for these dataset indices, as plain data (no tensors kept between steps). */
  makeBatch(indices: Int32Array): B;
  /** Called inside tf.variableGrads: build tensors, return the scalar loss. */
  loss(batch: B, rng: TrainRng): LossResult;
  /**
   * For micro-batching (TrainOptions.microBatch): draw the whole step's randomness exactly as loss()
   * would, then return the batch-mean loss of each slice of at most `size` examples with its share of
   * the batch. The weighted sum of the slices' gradients is then the batch's gradient.
   */
  split?(batch: B, rng: TrainRng, size: number): { weight: number; loss: () => LossResult }[];
}

export type LearningRate = number | ((step: number) => number);

export interface TrainOptions {
  seed: number;
  batchSize: number;
  /** Planned number of steps (for schedules and the progress bar). */
  totalSteps: number;
  lr: LearningRate;
  adam?: AdamWOptions;
  /** false: no EMA. */
  ema?: EmaOptions | false;
  /** Clip gradients to this global L2 norm (default: no clipping). */
  maxGradNorm?: number;
  /**
   * Compute each step's gradient in slices of at most this many examples and sum them (the task
   * must implement split()): the same step in less memory, e.g. where tfjs-wasm's heap would overflow.
   */
  microBatch?: number;
}

/** One line of the per-step loss log. */
export interface StepLog {
  step: number;
  loss: number;
  lr: number;
  [metric: string]: number;
}

export interface TrainerMeta {
  format: 'dit-lab-train-checkpoint';
  step: number;
  seed: number;
  batchSize: number;
  totalSteps: number;
  adamT: number;
  rng: RngState;
  sampler: SamplerState;
  wallSeconds: number;
  lossLog: StepLog[];
}

export interface RunOptions {
  /** Stop after this step (default totalSteps). */
  until?: number;
  onStep?: (log: StepLog) => void;
  /** Receives the encoded checkpoint; the caller stores it (file, IndexedDB ...). */
  onCheckpoint?: (bytes: Uint8Array, meta: TrainerMeta) => void | Promise<void>;
  checkpointEverySeconds?: number;
  checkpointEverySteps?: number;
  progress?: ProgressBar;
  /** Polled between steps; true stops the run after a final checkpoint (e.g. on SIGINT). */
  shouldStop?: () => boolean;
  /** Wall clock in ms (injectable for tests). */
  now?: () => number;
}

export class Trainer<B> {
  readonly task: TrainTask<B>;
  readonly opts: TrainOptions;
  readonly adam: AdamW;
  readonly ema: Ema | null;
  readonly rng: TrainRng;
  readonly sampler: EpochSampler;
  step = 0;
  wallSeconds = 0;
  readonly lossLog: StepLog[] = [];
  private readonly keyOfVariable = new Map<string, string>();

  constructor(task: TrainTask<B>, opts: TrainOptions) {
    this.task = task;
    this.opts = opts;
    for (const [key, v] of Object.entries(task.params)) {
      if (!v.trainable) throw new Error(`Trainer: parameter '${key}' is not trainable`);
      this.keyOfVariable.set(v.name, key);
    }
    this.adam = new AdamW(task.params, opts.adam);
    this.ema = opts.ema === false ? null : new Ema(task.params, opts.ema ?? {});
    // Separate streams for the data order and for the loss's draws, both from the one seed.
    this.rng = new TrainRng((opts.seed * 2654435761 + 1) >>> 0);
    this.sampler = new EpochSampler(task.datasetSize, opts.batchSize, opts.seed);
  }

  learningRate(step: number): number {
    return typeof this.opts.lr === 'number' ? this.opts.lr : this.opts.lr(step);
  }

  /** One optimisation step; returns its log line. */
  trainStep(): StepLog {
    const indices = this.sampler.next();
    const batch = this.task.makeBatch(indices);
    const lr = this.learningRate(this.step);
    const { value, grads, metrics } = this.gradients(batch);
    let gradNorm = NaN;
    let applied = grads;
    if (this.opts.maxGradNorm !== undefined) {
      const c = clipByGlobalNorm(grads, this.opts.maxGradNorm);
      applied = c.grads;
      gradNorm = c.norm;
    }
    try {
      this.adam.apply(this.task.params, applied, lr);
      this.step += 1;
      this.ema?.update(this.task.params, this.adam.t);
      const log: StepLog = { step: this.step, loss: value.dataSync()[0], lr };
      if (this.opts.maxGradNorm !== undefined) log.gradNorm = gradNorm;
      for (const [k, m] of Object.entries(metrics)) log[k] = m.dataSync()[0];
      if (!Number.isFinite(log.loss)) throw new Error(`Trainer: loss is ${log.loss} at step ${this.step}`);
      this.lossLog.push(log);
      return log;
    } finally {
      const extra = applied === grads ? [] : Object.values(applied);
      tf.dispose([value, ...Object.values(grads), ...extra, ...Object.values(metrics)]);
    }
  }

  /** The step's loss, gradients by state_dict key and metrics (whole batch, or summed micro-batches). */
  private gradients(batch: B): { value: tf.Scalar; grads: Record<string, tf.Tensor>; metrics: Record<string, tf.Scalar> } {
    const varList = Object.values(this.task.params);
    const byKey = (byName: tf.NamedTensorMap) => {
      const out: Record<string, tf.Tensor> = {};
      for (const [name, g] of Object.entries(byName)) {
        const key = this.keyOfVariable.get(name);
        if (key === undefined) throw new Error(`Trainer: gradient for unknown variable '${name}'`);
        out[key] = g;
      }
      return out;
    };
    const micro = this.opts.microBatch;
    if (!micro || !this.task.split) {
      if (micro) throw new Error('Trainer: microBatch needs a task with split()');
      let metrics: Record<string, tf.Scalar> = {};
      const { value, grads } = tf.variableGrads(() => {
        const r = this.task.loss(batch, this.rng);
        metrics = r.metrics ?? {};
        for (const m of Object.values(metrics)) tf.keep(m);
        return r.loss;
      }, varList);
      return { value, grads: byKey(grads), metrics };
    }
    // Sum w_k * (gradient of slice k's mean loss), w_k = its share of the batch: the batch-mean gradient.
    const sum = (acc: tf.Tensor | undefined, x: tf.Tensor, w: number): tf.Tensor => {
      const next = tf.tidy(() => (acc ? tf.add(acc, tf.mul(x, w)) : tf.mul(x, w)));
      acc?.dispose();
      return next;
    };
    let value: tf.Tensor | undefined;
    const grads: Record<string, tf.Tensor> = {};
    const metrics: Record<string, tf.Tensor> = {};
    for (const part of this.task.split(batch, this.rng, micro)) {
      let m: Record<string, tf.Scalar> = {};
      const r = tf.variableGrads(() => {
        const l = part.loss();
        m = l.metrics ?? {};
        for (const x of Object.values(m)) tf.keep(x);
        return l.loss;
      }, varList);
      for (const [key, g] of Object.entries(byKey(r.grads))) grads[key] = sum(grads[key], g, part.weight);
      value = sum(value, r.value, part.weight);
      for (const [k, x] of Object.entries(m)) metrics[k] = sum(metrics[k], x, part.weight);
      tf.dispose([r.value, ...Object.values(r.grads), ...Object.values(m)]);
    }
    if (!value) throw new Error('Trainer: split() returned no slices');
    return { value: value as tf.Scalar, grads, metrics: metrics as Record<string, tf.Scalar> };
  }

  /** Steps until `until` (or shouldStop), with checkpoints by time and/or steps and a final one. */
  async run(ro: RunOptions = {}): Promise<void> {
    const now = ro.now ?? (() => Date.now());
    const until = ro.until ?? this.opts.totalSteps;
    const startWall = this.wallSeconds;
    const t0 = now();
    let lastCk = t0;
    let lastCkStep = this.step;
    const save = async () => {
      this.wallSeconds = startWall + (now() - t0) / 1000;
      if (ro.onCheckpoint) await ro.onCheckpoint(this.checkpoint(), this.meta());
      lastCk = now();
      lastCkStep = this.step;
    };
    while (this.step < until) {
      const log = this.trainStep();
      ro.onStep?.(log);
      ro.progress?.update(this.step, { loss: log.loss });
      const byTime = ro.checkpointEverySeconds !== undefined && now() - lastCk >= ro.checkpointEverySeconds * 1000;
      const bySteps = ro.checkpointEverySteps !== undefined && this.step - lastCkStep >= ro.checkpointEverySteps;
      if (byTime || bySteps) await save();
      if (ro.shouldStop?.()) break;
      // Let timers and signal handlers run between steps.
      await new Promise((r) => setTimeout(r, 0));
    }
    ro.progress?.finish();
    await save();
  }

  meta(): TrainerMeta {
    return {
      format: 'dit-lab-train-checkpoint',
      step: this.step,
      seed: this.opts.seed,
      batchSize: this.opts.batchSize,
      totalSteps: this.opts.totalSteps,
      adamT: this.adam.t,
      rng: this.rng.getState(),
      sampler: this.sampler.getState(),
      wallSeconds: this.wallSeconds,
      lossLog: this.lossLog,
    };
  }

  /** The whole training state as bytes. */
  checkpoint(): Uint8Array {
    const tensors: TensorEntry[] = [];
    const add = (prefix: string, map: Iterable<[string, tf.Tensor]>) => {
      for (const [k, t] of map) tensors.push({ name: `${prefix}/${k}`, shape: t.shape.slice(), data: t.dataSync() as Float32Array });
    };
    add('param', Object.entries(this.task.params));
    add('adam.m', this.adam.m);
    add('adam.v', this.adam.v);
    if (this.ema) add('ema', this.ema.shadow);
    return encodeCheckpoint({ meta: this.meta(), tensors });
  }

  /** Restores a checkpoint written by checkpoint() for the same task and options. */
  restore(bytes: Uint8Array): void {
    const ck = decodeCheckpoint<TrainerMeta>(bytes);
    const m = ck.meta;
    if (m.format !== 'dit-lab-train-checkpoint') throw new Error('Trainer.restore: not a training checkpoint');
    if (m.seed !== this.opts.seed || m.batchSize !== this.opts.batchSize) {
      throw new Error(
        `Trainer.restore: checkpoint has seed ${m.seed}, batch ${m.batchSize}; this run has seed ${this.opts.seed}, batch ${this.opts.batchSize}`,
      );
    }
    const byName = new Map(ck.tensors.map((t) => [t.name, t]));
    const load = (prefix: string, key: string, target: tf.Variable) => {
      const t = byName.get(`${prefix}/${key}`);
      if (!t) throw new Error(`Trainer.restore: checkpoint lacks '${prefix}/${key}'`);
      if (t.shape.join(',') !== target.shape.join(',')) {
        throw new Error(`Trainer.restore: '${prefix}/${key}' has shape (${t.shape.join(', ')}), expected (${target.shape.join(', ')})`);
      }
      target.assign(tf.tensor(t.data, t.shape));
    };
    tf.tidy(() => {
      for (const [k, v] of Object.entries(this.task.params)) load('param', k, v);
      for (const [k, v] of this.adam.m) load('adam.m', k, v);
      for (const [k, v] of this.adam.v) load('adam.v', k, v);
      if (this.ema) for (const [k, v] of this.ema.shadow) load('ema', k, v);
    });
    this.step = m.step;
    this.adam.t = m.adamT;
    this.rng.setState(m.rng);
    this.sampler.setState(m.sampler);
    this.wallSeconds = m.wallSeconds;
    this.lossLog.length = 0;
    this.lossLog.push(...m.lossLog);
  }

  /** The weights to evaluate and ship: the EMA if kept, else the live weights. Not copies. */
  evalParams(): Record<string, tf.Tensor> {
    return this.ema ? Object.fromEntries(this.ema.shadow) : { ...this.task.params };
  }

  dispose(): void {
    this.adam.dispose();
    this.ema?.dispose();
  }
}

/** Linear warm-up to `peak` over `warmup` steps, then cosine decay to `floor` at `total`. */
export function warmupCosine(peak: number, warmup: number, total: number, floor = 0): (step: number) => number {
  return (step: number) => {
    if (step < warmup) return (peak * (step + 1)) / warmup;
    const p = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
    return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * p));
  };
}

/** Evenly spaced subsample of a loss log (always keeps the last entry), for manifests and charts. */
export function downsampleLog(log: StepLog[], points: number): StepLog[] {
  if (log.length <= points) return log.slice();
  const out: StepLog[] = [];
  for (let i = 0; i < points; i++) out.push(log[Math.round((i * (log.length - 1)) / (points - 1))]);
  return out;
}
