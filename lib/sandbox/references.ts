/**
 * The expected results of the code exercises, computed by the project's own lib code: the same
 * GaussianDiffusion, patchify, modulate and classifier-free guidance that train and sample the
 * shipped models. Worker and Node only (it needs tfjs); content/exercises names these by key.
 */
import { tf } from '../tf';
import { GaussianDiffusion } from '../diffusion/gaussian-diffusion';
import { classifierFreeGuidance } from '../diffusion/guidance';
import { betaSchedule } from '../diffusion/schedules';
import { patchifyMatrix } from '../inspect/patchify';
import { modulate } from '../dit/layers';
import { spearman } from '../models/rank-correlation';
import { MomentAccumulator } from '../vae/latents';
import { rowEntropy } from '../inspect/attention';
import { warmupConstant } from '../train/browser-recipe';
import type { CodeValue } from '../exercises/types';

let linear: GaussianDiffusion | null = null;
const diffusion = () => (linear ??= GaussianDiffusion.fromBetas(betaSchedule('linear')));

/** A flat vector as a (1, 1, n, 1) batch, the shape GaussianDiffusion works on. */
const image = (v: number[]) => tf.tensor4d(v, [1, 1, v.length, 1]);
const flat = (v: CodeValue) => (Array.isArray(v) ? (v as (number | number[])[]).flat() : [v]);

export const REFERENCES: Record<string, (...args: CodeValue[]) => number[]> = {
  /** Spearman's rho, as chapter 9's chart computes it (lib/models/rank-correlation.ts). */
  spearman: (x, y) => [spearman(flat(x), flat(y))!.rho],

  /** Chapter 8's entropy of an attention row (nats). */
  'row-entropy': (row) => [rowEntropy(flat(row))],

  /** The recipes' learning rate: linear warm-up, then constant (step counted from 0). */
  'warmup-lr': (step, peak, warmup) => [warmupConstant(peak as number, warmup as number)(step as number)],

  /** The VAE's scale factor: one over the pooled standard deviation, as the VAE export computes it. */
  'scale-factor': (z) => {
    const m = new MomentAccumulator();
    m.add(flat(z));
    return [1 / m.std];
  },

  /** Eq. q-sample, for the chapters' t (1..1000) on the linear schedule. */
  'q-sample': (x0, t, eps) =>
    tf.tidy(() =>
      Array.from(
        diffusion()
          .qSample(image(flat(x0)), [(t as number) - 1], image(flat(eps)))
          .dataSync(),
      ),
    ),

  /** Eq. posterior-mean: the mean of q(x_{t-1} | x_t, x_0). */
  'posterior-mean': (x0, xt, t) =>
    tf.tidy(() =>
      Array.from(
        diffusion()
          .qPosteriorMeanVariance(image(flat(x0)), image(flat(xt)), [(t as number) - 1])
          .mean.dataSync(),
      ),
    ),

  /** Eq. patchify: the (T, p*p*C) token matrix of a (side, side, C) latent, flattened row by row. */
  patchify: (latent, side, channels, p) => Array.from(patchifyMatrix(Float32Array.from(flat(latent)), side as number, channels as number, p as number)),

  /** Eq. modulate on (T, D) tokens with (D) shift and scale: x (1 + scale) + shift. */
  modulate: (x, shift, scale) =>
    tf.tidy(() => {
      const rows = x as number[][];
      const d = rows[0].length;
      return Array.from(modulate(tf.tensor3d([rows], [1, rows.length, d]), tf.tensor2d([flat(shift)], [1, d]), tf.tensor2d([flat(scale)], [1, d])).dataSync());
    }),

  /**
   * Eq. cfg through lib's classifierFreeGuidance: a stand-in network answers eps_cond for the real
   * labels and eps_uncond for the null label, and the guided output is what the sampler would use.
   */
  cfg: (cond, uncond, s) =>
    tf.tidy(() => {
      const c = flat(cond);
      const u = flat(uncond);
      const net = (x: tf.Tensor4D, _t: tf.Tensor1D, y: tf.Tensor1D) => {
        const labels = y.dataSync();
        return tf.stack(Array.from(labels, (l) => tf.tensor3d(l === 10 ? u : c, [1, c.length, 1]))) as tf.Tensor4D;
      };
      const guided = classifierFreeGuidance(net, { scale: s as number, numClasses: 10 });
      return Array.from(guided(tf.zeros([1, 1, c.length, 1]) as tf.Tensor4D, tf.tensor1d([0]), tf.tensor1d([3], 'int32')).dataSync());
    }),
};
