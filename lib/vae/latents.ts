/**
 * The latent interface the DiT and the browser use. The diffusion model never sees E(x) itself but
 * Eq. vae-scale: z = scaleFactor * E(x), with scaleFactor = 1 / std of the training latents, so
 * the latents it noises have unit variance (the role 0.18215 plays for Stable Diffusion's VAE).
 * Pictures come back as D(z / scaleFactor).
 *
 * Letters: N batch, z latent channels.
 */
import { tf } from '../tf';
import { type TinyVAE, samplePosterior } from './model';

type Tensor = tf.Tensor;

/** 'mean': z = posterior mean (deterministic); 'sample': z = mean + std * eps (DiT train.py samples). */
export type EncodeMode = 'mean' | 'sample';

/**
 * Images (N, 32, 32, 1) in [-1, 1] -> scaled latents (N, 8, 8, z). eps (N, 8, 8, z) standard normal is
 * required for mode 'sample' (the caller owns the randomness, so results are reproducible).
 */
export function encodeLatents(vae: TinyVAE, x: Tensor, scaleFactor: number, mode: EncodeMode = 'mean', eps?: Tensor): Tensor {
  return tf.tidy(() => {
    const post = vae.encode(x);
    if (mode === 'sample' && !eps) throw new Error("encodeLatents: mode 'sample' needs eps");
    const z = mode === 'sample' ? samplePosterior(post, eps as Tensor) : post.mean; // (N, 8, 8, z)
    return tf.mul(z, scaleFactor);
  });
}

/** Scaled latents (N, 8, 8, z) -> images (N, 32, 32, 1), clipped to [-1, 1]. */
export function decodeLatents(vae: TinyVAE, z: Tensor, scaleFactor: number): Tensor {
  return tf.tidy(() => tf.clipByValue(vae.decode(tf.div(z, scaleFactor)), -1, 1));
}

/** Running first and second moments of every value seen (float64), for the scale factor. */
export class MomentAccumulator {
  n = 0;
  sum = 0;
  sumSq = 0;
  add(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      this.sum += v;
      this.sumSq += v * v;
    }
    this.n += values.length;
  }
  get mean(): number {
    return this.sum / this.n;
  }
  /** Population standard deviation. */
  get std(): number {
    return Math.sqrt(Math.max(0, this.sumSq / this.n - this.mean * this.mean));
  }
}
