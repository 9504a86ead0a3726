/**
 * Classifier-free guidance (Eq. cfg): eps = eps(x_t, null) + s (eps(x_t, y) - eps(x_t, null)).
 * One network call on a doubled batch gives both terms, as the official forward_with_cfg does.
 *
 * Letters in shape comments: N batch, H height, W width, C latent channels, K output channels
 * (C, or 2C with learned variance).
 */
import { tf } from '../tf';
import type { DiffusionModelFn } from './gaussian-diffusion';
import { concatLastAxis, splitLastAxis } from '../nn/last-axis';

/**
 * Which output channels are guided:
 * - 'all': every eps channel (the standard formula; what diffusers' DiTPipeline does).
 * - 'first3': only output channels 0, 1, 2. The official DiT models.py forward_with_cfg does this
 *   "for exact reproducibility reasons" (its comment): with 4 latent channels the 4th eps channel then
 *   stays the conditional prediction. A quirk of the released code, kept as an option so the official
 *   samples can be reproduced; the paper's formula is 'all'.
 */
export type CfgMode = 'all' | 'first3';

export interface GuidanceOptions {
  /**
   * Guidance scale s; s = 1 is the conditional model, s = 0 the unconditional one. A list gives each
   * sample of the batch its own scale (the guidance sweep runs all its scales in one batch).
   */
  scale: number | ArrayLike<number>;
  mode?: CfgMode;
  /** Number of real classes; label numClasses is the null class (dropped label). */
  numClasses: number;
}

/** True when guidance at these scales is the plain conditional model (every s = 1). */
export function isUnguided(scale: number | ArrayLike<number>): boolean {
  return typeof scale === 'number' ? scale === 1 : Array.from(scale).every((s) => s === 1);
}

/**
 * Eq. cfg: wrap a conditional network into the guided one. For a batch x (N, H, W, C) with labels y
 * it runs the network once on (2N) items: [x, x] with labels [y, null], then returns (N, H, W, K)
 * with the guided eps in the guided channels and everything else (the unguided eps channels and, with
 * learned variance, the v channels) taken from the conditional half, as forward_with_cfg does.
 * (The official sampler carries a doubled batch through the whole loop and drops the null half at the
 * end; here the batch stays N and only the network call is doubled, which gives the same conditional
 * samples with half the sampler work.)
 */
export function classifierFreeGuidance(model: DiffusionModelFn, opts: GuidanceOptions): DiffusionModelFn {
  const mode = opts.mode ?? 'all';
  const perSample = typeof opts.scale === 'number' ? null : Float32Array.from(opts.scale);
  return (x, t, y) =>
    tf.tidy(() => {
      const [n, h, w, c] = x.shape;
      if (perSample && perSample.length !== n) throw new Error(`${perSample.length} guidance scales for ${n} samples`);
      const xx = tf.concat([x, x], 0) as tf.Tensor4D; // (2N, H, W, C)
      const tt = tf.concat([t, t], 0) as tf.Tensor1D; // (2N)
      const yNull = tf.fill([n], opts.numClasses, 'int32') as tf.Tensor1D;
      const yy = tf.concat([tf.cast(y, 'int32'), yNull], 0) as tf.Tensor1D; // (2N)
      const out = model(xx, tt, yy); // (2N, H, W, K)
      const k = out.shape[3];
      const s = perSample ? tf.tensor4d(perSample, [n, 1, 1, 1]) : (opts.scale as number); // s, or s_i per sample
      /** Eq. cfg */
      const guide = (cond: tf.Tensor, uncond: tf.Tensor) => tf.add(uncond, tf.mul(s, tf.sub(cond, uncond)));
      if (mode === 'all' && (k === c || k === 2 * c)) {
        // Every eps channel guided: halves split along the batch and eps from v by splitLastAxis,
        // contiguous copies (lib/nn/last-axis.ts), rather than per-pixel slices.
        const [eps, v] = k === c ? [out, null] : splitLastAxis(out, 2); // (2N, H, W, C) each
        const [condEps, uncondEps] = tf.split(eps, 2, 0);
        const guided = guide(condEps, uncondEps); // (N, H, W, C)
        return (v ? concatLastAxis([guided, tf.slice(v, 0, n)]) : guided) as tf.Tensor4D; // v from the conditional half
      }
      const g = mode === 'all' ? c : Math.min(3, k);
      const cond = tf.slice(out, [0, 0, 0, 0], [n, h, w, k]); // (N, H, W, K)
      const uncond = tf.slice(out, [n, 0, 0, 0], [n, h, w, g]); // (N, H, W, g)
      const guided = guide(tf.slice(cond, [0, 0, 0, 0], [n, h, w, g]), uncond); // (N, H, W, g)
      if (g === k) return guided as tf.Tensor4D;
      const rest = tf.slice(cond, [0, 0, 0, g], [n, h, w, k - g]); // (N, H, W, K - g)
      return tf.concat([guided, rest], 3) as tf.Tensor4D; // (N, H, W, K)
    });
}
