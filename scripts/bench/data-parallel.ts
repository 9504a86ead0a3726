/**
 * Data-parallel training on the wasm backend, which runs on one thread in Node: the main thread and
 * one worker thread each hold a replica, each computes the gradients of half the batch, the main
 * thread averages them (equal halves: the average of the half-batch means is the full-batch mean),
 * and both replicas apply the same Adam step. Forward passes split the batch the same way.
 */
import { Worker } from 'node:worker_threads';
import type { DiTConfig } from '../../lib/dit/config';
import { Replica, type Batch } from './replica';

interface Reply {
  kind: string;
  loss?: number;
  grads?: Float32Array[];
  out?: Float32Array;
  w?: Float32Array[];
  message?: string;
}

function half(b: Batch, part: 0 | 1): Batch {
  const n0 = Math.floor(b.n / 2);
  const [lo, hi] = part === 0 ? [0, n0] : [n0, b.n];
  const per = (a: { length: number }) => a.length / b.n;
  return {
    n: hi - lo,
    x: b.x.slice(lo * per(b.x), hi * per(b.x)),
    t: b.t.slice(lo, hi),
    y: b.y.slice(lo, hi),
    target: b.target.slice(lo * per(b.target), hi * per(b.target)),
  };
}

export class DataParallel {
  readonly main: Replica;
  private readonly worker: Worker;
  private waiting: ((r: Reply) => void)[] = [];

  private constructor(main: Replica, worker: Worker) {
    this.main = main;
    this.worker = worker;
    worker.on('message', (r: Reply) => {
      if (r.kind === 'booted') return;
      if (r.kind === 'error') throw new Error(`data-parallel worker: ${r.message}`);
      this.waiting.shift()?.(r);
    });
  }

  static async create(config: DiTConfig, seed: number, lr: number): Promise<DataParallel> {
    const worker = new Worker(new URL('../../lib/tsx-worker-shim.mjs', import.meta.url), {
      workerData: { entry: new URL('./dp-worker.ts', import.meta.url).href },
    });
    const dp = new DataParallel(new Replica(config, seed, lr), worker);
    await dp.request({ kind: 'init', config, seed, lr });
    return dp;
  }

  private request(msg: unknown, transfer: ArrayBuffer[] = []): Promise<Reply> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.worker.postMessage(msg, transfer);
    });
  }

  /** Gradients of the whole batch's mean loss, computed half here and half in the worker. */
  async averagedGrads(b: Batch, train = true): Promise<{ loss: number; grads: Float32Array[] }> {
    const pending = this.request({ kind: 'grads', batch: half(b, 1), train });
    const mine = this.main.grads(half(b, 0), train);
    const theirs = await pending;
    const grads = mine.grads.map((g, i) => {
      const o = theirs.grads![i];
      const a = new Float32Array(g.length);
      for (let j = 0; j < g.length; j++) a[j] = 0.5 * (g[j] + o[j]);
      return a;
    });
    return { loss: 0.5 * (mine.loss + theirs.loss!), grads };
  }

  /** One training step on the whole batch; returns the mean loss. */
  async step(b: Batch): Promise<number> {
    const { loss, grads: avg } = await this.averagedGrads(b);
    // The worker applies the same update; messages are handled in order, so its next 'grads' request
    // runs after this.
    this.worker.postMessage({ kind: 'apply', grads: avg });
    this.main.apply(avg);
    return loss;
  }

  async forward(b: Batch): Promise<Float32Array> {
    const pending = this.request({ kind: 'forward', batch: half(b, 1) });
    const a = this.main.forward(half(b, 0));
    const o = (await pending).out!;
    const out = new Float32Array(a.length + o.length);
    out.set(a);
    out.set(o, a.length);
    return out;
  }

  /** Largest absolute difference between the two replicas' weights (0 when in sync). */
  async replicaDrift(): Promise<number> {
    const w = (await this.request({ kind: 'weights' })).w!;
    let m = 0;
    this.main.model.trainableVariables.forEach((v, i) => {
      const a = v.dataSync();
      for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j] - w[i][j]));
    });
    return m;
  }

  async dispose(): Promise<void> {
    this.main.dispose();
    await this.worker.terminate();
  }
}
