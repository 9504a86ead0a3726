/**
 * The VAE as a TrainTask for lib/train: batches of padded digits, the reparameterisation noise drawn
 * from the loop's RNG (so resume is bit-identical), the loss of model.ts.
 */
import { tf } from '../tf';
import { type DigitSet, paddedBatch, PADDED_SIZE } from '../data/mnist';
import type { TrainTask } from '../train/loop';
import { type TinyVAE, vaeLoss } from './model';
import { latentSize } from './config';

export function vaeTask(vae: TinyVAE, data: DigitSet): TrainTask<Float32Array> {
  const s = latentSize(vae.config);
  const z = vae.config.latentChannels;
  return {
    params: vae.params,
    datasetSize: data.count,
    makeBatch: (indices) => paddedBatch(data, indices),
    loss: (batch, rng) => {
      const n = batch.length / (PADDED_SIZE * PADDED_SIZE);
      const x = tf.tensor4d(batch, [n, PADDED_SIZE, PADDED_SIZE, 1]);
      const eps = tf.tensor4d(rng.normalArray(n * s * s * z), [n, s, s, z]);
      const { loss, mse, kl } = vaeLoss(vae, x, eps);
      return { loss, metrics: { mse, kl } };
    },
  };
}
