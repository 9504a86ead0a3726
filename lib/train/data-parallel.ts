/**
 * Data-parallel DiT training on two cores. tfjs-wasm runs on one thread in Node, so a second core
 * needs a second thread: a worker holds a replica of the DiT and computes the gradients of half of
 * each batch while the main thread computes the other half; the two are averaged (weighted by the
 * halves' sizes, so the result is the gradient of the whole batch's mean loss) and the main thread
 * applies AdamW and the EMA as the single-thread Trainer does.
 *
 * It is a Trainer (lib/train/loop.ts) with trainStep replaced, so run(), checkpoints, resume and the
 * Node driver work unchanged, and a checkpoint written here resumes in a single-thread run and back.
 * All randomness is drawn on the main thread from the training RNG in the single-thread order
 * (drawDiTStep), so the data seen is identical; only the floating-point summation order differs.
 *
 * The threads meet through SharedArrayBuffers with Atomics.wait / notify, which keeps trainStep
 * synchronous (the loop calls it synchronously): the worker gets the current weights and its half of
 * the draws, and writes back its gradients and loss terms.
 */
import { Worker } from 'node:worker_threads';
import { tf } from '../tf';
import type { DiT } from '../dit/model';
import type { DiTConfig } from '../dit/config';
import type { GaussianDiffusion } from '../diffusion/gaussian-diffusion';
import { Trainer, type StepLog, type TrainOptions } from './loop';
import { ditLossOnDraws, drawDiTStep, sliceDraws, type DiTBatch, type DiTTask } from './dit-task';

/** ctrl slots: job sequence (main -> worker), done sequence (worker -> main), half size, error flag. */
const JOB = 0;
const DONE = 1;
const SIZE = 2;
const ERROR = 3;
const WAIT_MS = 15 * 60 * 1000;

export interface SharedLayout {
  ctrl: SharedArrayBuffer;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  z: SharedArrayBuffer;
  noise: SharedArrayBuffer;
  t: SharedArrayBuffer;
  y: SharedArrayBuffer;
  /** loss, mse, vb (float64). */
  out: SharedArrayBuffer;
}

export interface WorkerInit {
  config: DiTConfig;
  keys: string[];
  shapes: number[][];
  shared: SharedLayout;
  learnSigma: boolean;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export class DataParallelDiTTrainer extends Trainer<DiTBatch> {
  private readonly worker: Worker;
  private readonly model: DiT;
  private readonly diffusion: GaussianDiffusion;
  private readonly keys: string[];
  private readonly offsets: number[];
  private readonly ctrl: Int32Array;
  private readonly paramsBuf: Float32Array;
  private readonly gradsBuf: Float32Array;
  private readonly zBuf: Float32Array;
  private readonly noiseBuf: Float32Array;
  private readonly tBuf: Int32Array;
  private readonly yBuf: Int32Array;
  private readonly outBuf: Float64Array;
  private readonly keyOfName = new Map<string, string>();
  private seq = 0;
  private workerError = '';

  private constructor(task: DiTTask, model: DiT, diffusion: GaussianDiffusion, opts: TrainOptions, worker: Worker, init: WorkerInit) {
    super(task, opts);
    if (opts.maxGradNorm !== undefined) throw new Error('DataParallelDiTTrainer: gradient clipping is not supported');
    this.worker = worker;
    this.model = model;
    this.diffusion = diffusion;
    this.keys = init.keys;
    this.offsets = [];
    let o = 0;
    for (const s of init.shapes) {
      this.offsets.push(o);
      o += size(s);
    }
    const sh = init.shared;
    this.ctrl = new Int32Array(sh.ctrl);
    this.paramsBuf = new Float32Array(sh.params);
    this.gradsBuf = new Float32Array(sh.grads);
    this.zBuf = new Float32Array(sh.z);
    this.noiseBuf = new Float32Array(sh.noise);
    this.tBuf = new Int32Array(sh.t);
    this.yBuf = new Int32Array(sh.y);
    this.outBuf = new Float64Array(sh.out);
    for (const [k, v] of Object.entries(task.params)) this.keyOfName.set(v.name, k);
    worker.on('message', (m: { kind: string; message?: string }) => {
      if (m.kind === 'error') this.workerError = m.message ?? 'unknown';
    });
  }

  /** Starts the worker (it loads tfjs and builds its replica) and returns once it is ready. */
  static async create(task: DiTTask, model: DiT, diffusion: GaussianDiffusion, opts: TrainOptions): Promise<DataParallelDiTTrainer> {
    const keys = Object.keys(task.params);
    const shapes = keys.map((k) => task.params[k].shape.slice());
    const total = shapes.reduce((a, s) => a + size(s), 0);
    const d = task.drawOptions;
    const per = d.size * d.size * d.channels;
    const half = Math.ceil(opts.batchSize / 2);
    const shared: SharedLayout = {
      ctrl: new SharedArrayBuffer(4 * 4),
      params: new SharedArrayBuffer(4 * total),
      grads: new SharedArrayBuffer(4 * total),
      z: new SharedArrayBuffer(4 * half * per),
      noise: new SharedArrayBuffer(4 * half * per),
      t: new SharedArrayBuffer(4 * half),
      y: new SharedArrayBuffer(4 * half),
      out: new SharedArrayBuffer(8 * 3),
    };
    const init: WorkerInit = { config: model.config, keys, shapes, shared, learnSigma: diffusion.modelVarType === 'learned-range' };
    const worker = new Worker(new URL('../tsx-worker-shim.mjs', import.meta.url), {
      workerData: { entry: new URL('./data-parallel-worker.ts', import.meta.url).href, init },
    });
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: { kind: string; message?: string }) => {
        if (m.kind === 'ready') {
          worker.off('message', onMsg);
          resolve();
        }
        if (m.kind === 'error') reject(new Error(`data-parallel worker: ${m.message}`));
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
    return new DataParallelDiTTrainer(task, model, diffusion, opts, worker, init);
  }

  override trainStep(): StepLog {
    const task = this.task as DiTTask;
    const indices = this.sampler.next();
    const batch = task.makeBatch(indices);
    const lr = this.learningRate(this.step);
    const d = drawDiTStep(batch, this.rng, task.drawOptions);
    const nA = Math.floor(d.n / 2);
    const a = sliceDraws(d, 0, nA);
    const b = sliceDraws(d, nA, d.n);
    // Hand the worker the current weights and its half, then start it.
    this.keys.forEach((k, i) => this.paramsBuf.set(task.params[k].dataSync() as Float32Array, this.offsets[i]));
    this.zBuf.set(b.z);
    this.noiseBuf.set(b.noise);
    this.tBuf.set(b.t);
    this.yBuf.set(b.y);
    Atomics.store(this.ctrl, SIZE, b.n);
    this.seq += 1;
    Atomics.store(this.ctrl, JOB, this.seq);
    Atomics.notify(this.ctrl, JOB);

    let metrics: Record<string, tf.Scalar> = {};
    const vars = Object.values(task.params);
    const { value, grads: byName } = tf.variableGrads(() => {
      const r = ditLossOnDraws(this.model, this.diffusion, a);
      metrics = r.metrics ?? {};
      for (const m of Object.values(metrics)) tf.keep(m);
      return r.loss;
    }, vars);

    const started = Date.now();
    while (Atomics.load(this.ctrl, DONE) !== this.seq) {
      if (Atomics.load(this.ctrl, ERROR) !== 0) break;
      if (Atomics.wait(this.ctrl, DONE, this.seq - 1, 1000) === 'timed-out' && Date.now() - started > WAIT_MS) break;
    }
    const failed = Atomics.load(this.ctrl, DONE) !== this.seq || Atomics.load(this.ctrl, ERROR) !== 0;
    const wa = nA / d.n;
    const wb = b.n / d.n;
    const grads: Record<string, tf.Tensor> = {};
    try {
      if (failed) throw new Error(`data-parallel worker failed: ${this.workerError || 'no answer'}`);
      for (const [name, g] of Object.entries(byName)) {
        const key = this.keyOfName.get(name);
        if (key === undefined) throw new Error(`DataParallelDiTTrainer: gradient for unknown variable '${name}'`);
        const i = this.keys.indexOf(key);
        const theirs = this.gradsBuf.slice(this.offsets[i], this.offsets[i] + g.size);
        grads[key] = tf.tidy(() => tf.add(tf.mul(g, wa), tf.mul(tf.tensor(theirs, g.shape), wb)));
      }
      this.adam.apply(task.params, grads, lr);
      this.step += 1;
      this.ema?.update(task.params, this.adam.t);
      const [lossB, mseB, vbB] = this.outBuf;
      const log: StepLog = { step: this.step, loss: wa * value.dataSync()[0] + wb * lossB, lr };
      if (metrics.mse) log.mse = wa * metrics.mse.dataSync()[0] + wb * mseB;
      if (metrics.vb) log.vb = wa * metrics.vb.dataSync()[0] + wb * vbB;
      if (!Number.isFinite(log.loss)) throw new Error(`Trainer: loss is ${log.loss} at step ${this.step}`);
      this.lossLog.push(log);
      return log;
    } finally {
      tf.dispose([value, ...Object.values(byName), ...Object.values(grads), ...Object.values(metrics)]);
    }
  }

  override dispose(): void {
    Atomics.store(this.ctrl, JOB, -1);
    Atomics.notify(this.ctrl, JOB);
    void this.worker.terminate();
    super.dispose();
  }
}
