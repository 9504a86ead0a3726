/**
 * The classifier as a TrainTask for lib/train: cross-entropy on the train split with random
 * translations of up to 2 pixels (drawn from the loop's RNG, so resume stays bit-identical): the
 * digits sit in a 32x32 frame with 2 pixels of margin, and shifting them is the classic MNIST
 * augmentation that keeps a small CNN above 98% on a 9,000-image train set.
 */
import { tf } from '../tf';
import { type DigitSet, paddedBatch, PADDED_SIZE } from '../data/mnist';
import type { TrainTask } from '../train/loop';
import type { TrainRng } from '../train/rng';
import type { DigitClassifier } from './classifier';

export interface ClassifierBatch {
  images: Float32Array;
  labels: Int32Array;
}

/** Shifts each 32x32 image by (dy, dx) in [-maxShift, maxShift]^2, filling with background -1. */
export function randomShift(images: Float32Array, rng: TrainRng, maxShift: number): Float32Array {
  const S = PADDED_SIZE;
  const n = images.length / (S * S);
  const out = new Float32Array(images.length).fill(-1);
  for (let k = 0; k < n; k++) {
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const base = k * S * S;
    for (let r = 0; r < S; r++) {
      const sr = r - dy;
      if (sr < 0 || sr >= S) continue;
      for (let c = 0; c < S; c++) {
        const sc = c - dx;
        if (sc >= 0 && sc < S) out[base + r * S + c] = images[base + sr * S + sc];
      }
    }
  }
  return out;
}

export function classifierTask(model: DigitClassifier, data: DigitSet, maxShift = 2): TrainTask<ClassifierBatch> {
  return {
    params: model.params,
    datasetSize: data.count,
    makeBatch: (indices) => ({ images: paddedBatch(data, indices), labels: Int32Array.from(indices, (i) => data.labels[i]) }),
    loss: (batch, rng) => {
      const n = batch.labels.length;
      const x = tf.tensor4d(maxShift > 0 ? randomShift(batch.images, rng, maxShift) : batch.images, [n, PADDED_SIZE, PADDED_SIZE, 1]);
      const { logits } = model.forward(x);
      const onehot = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), model.config.numClasses);
      const loss = tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
      const acc = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(batch.labels, 'int32')), 'float32')) as tf.Scalar;
      return { loss, metrics: { acc } };
    },
  };
}
