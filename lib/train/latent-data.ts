/**
 * From digits to the DiT's training data, in the browser or in Node: pad each 28x28 digit to 32x32 in
 * [-1, 1] (lib/data/mnist), run the VAE encoder once, and keep per digit the posterior mean and
 * standard deviation, both times the latent scale factor (Eq. vae-scale). The training task
 * (dit-task.ts) then draws a fresh z = mean + std * eps every time a digit is used, as DiT's train.py
 * samples the posterior at every step; caching mean and std gives the same distribution without
 * running the encoder at every step. This is what lib/train/dit-latents.ts does for the command
 * line, written against plain typed arrays so that the trainer worker can use it.
 *
 * Letters: N batch, H W latent side, C latent channels.
 */
import { tf } from '../tf';
import type { TinyVAE } from '../vae/model';
import { NUM_CLASSES, PADDED_SIZE, paddedBatch, type DigitSet } from '../data/mnist';
import type { LatentDataset } from './dit-task';

export interface EncodeOptions {
  /** Digits per encoder call (bounds the memory of one call). */
  batch?: number;
  /** Called after each batch with digits done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Awaited between batches: lets a worker answer messages (pause, reset) while it encodes. */
  between?: () => Promise<void>;
  /** Polled between batches: true stops the encoding with an 'encoding cancelled' error. */
  cancelled?: () => boolean;
}

export class EncodeCancelled extends Error {
  constructor() {
    super('encoding cancelled');
    this.name = 'EncodeCancelled';
  }
}

/** Encodes every digit of `set` to a LatentDataset (scaled posterior mean and std, NHWC). */
export async function encodeDigitSet(vae: TinyVAE, set: DigitSet, scaleFactor: number, opts: EncodeOptions = {}): Promise<LatentDataset> {
  if (!(scaleFactor > 0 && Number.isFinite(scaleFactor))) throw new Error(`encodeDigitSet: scale factor must be a positive number (got ${scaleFactor})`);
  const batch = Math.max(1, opts.batch ?? 100);
  const size = vae.config.imageSize / 4;
  const channels = vae.config.latentChannels;
  const per = size * size * channels;
  const mean = new Float32Array(set.count * per);
  const std = new Float32Array(set.count * per);
  for (let start = 0; start < set.count; start += batch) {
    if (opts.cancelled?.()) throw new EncodeCancelled();
    const n = Math.min(batch, set.count - start);
    const idx = Int32Array.from({ length: n }, (_, k) => start + k);
    const pixels = paddedBatch(set, idx); // (N, 32, 32, 1) in [-1, 1]
    const [m, s] = tf.tidy(() => {
      const post = vae.encode(tf.tensor4d(pixels, [n, PADDED_SIZE, PADDED_SIZE, 1]));
      // Eq. vae-scale: the DiT sees scaleFactor * z; a Gaussian's std scales with it.
      return [tf.mul(post.mean, scaleFactor), tf.mul(tf.exp(tf.mul(post.logvar, 0.5)), scaleFactor)]; // (N, H, W, C) each
    });
    try {
      mean.set((await m.data()) as Float32Array, start * per);
      std.set((await s.data()) as Float32Array, start * per);
    } finally {
      tf.dispose([m, s]);
    }
    opts.onProgress?.(start + n, set.count);
    if (opts.between && start + n < set.count) await opts.between();
  }
  return { count: set.count, size, channels, labels: Uint8Array.from(set.labels), mean, std };
}

/** How many digits of each class 0..9. */
export function classCounts(labels: ArrayLike<number>): number[] {
  const c = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < labels.length; i++) c[labels[i]]++;
  return c;
}
