/**
 * One replica of a data-parallel DiT training step: a model and its Adam state. The main thread and
 * each worker hold one, built from the same seed, and apply the same averaged gradients, so the
 * replicas stay identical (checked by scripts/bench.ts).
 */
import { tf } from '../../lib/tf';
import { DiT } from '../../lib/dit/model';
import type { DiTConfig } from '../../lib/dit/config';

export interface Batch {
  x: Float32Array;
  t: Float32Array;
  y: Int32Array;
  target: Float32Array;
  n: number;
}

export class Replica {
  readonly model: DiT;
  private readonly opt: tf.Optimizer;

  constructor(config: DiTConfig, seed: number, lr: number) {
    this.model = new DiT(config, seed);
    this.opt = tf.train.adam(lr);
  }

  private tensors(b: Batch) {
    const { inputSize: I, inChannels: C } = this.model.config;
    const outC = this.model.config.learnSigma ? 2 * C : C;
    return {
      x: tf.tensor4d(b.x, [b.n, I, I, C]),
      t: tf.tensor1d(b.t),
      y: tf.tensor1d(b.y, 'int32'),
      target: tf.tensor4d(b.target, [b.n, I, I, outC]),
    };
  }

  /** Mean-squared-error gradients on this batch, in trainableVariables order, as plain arrays. */
  grads(b: Batch, train = true): { loss: number; grads: Float32Array[] } {
    const { x, t, y, target } = this.tensors(b);
    try {
      const vars = this.model.trainableVariables;
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.squaredDifference(this.model.forward(x, t, y, { train }), target)) as tf.Scalar, vars);
      const out = vars.map((v) => grads[v.name].dataSync() as Float32Array);
      const loss = value.dataSync()[0];
      tf.dispose([value, grads as unknown as tf.Tensor[]]);
      return { loss, grads: out };
    } finally {
      tf.dispose([x, t, y, target]);
    }
  }

  apply(grads: Float32Array[]): void {
    const vars = this.model.trainableVariables;
    const named: Record<string, tf.Tensor> = {};
    vars.forEach((v, i) => {
      named[v.name] = tf.tensor(grads[i], v.shape);
    });
    this.opt.applyGradients(named);
    tf.dispose(Object.values(named));
  }

  forward(b: Batch): Float32Array {
    const { x, t, y, target } = this.tensors(b);
    try {
      const out = this.model.forward(x, t, y);
      const d = out.dataSync() as Float32Array;
      out.dispose();
      return d;
    } finally {
      tf.dispose([x, t, y, target]);
    }
  }

  dispose(): void {
    this.model.dispose();
    this.opt.dispose();
  }
}
