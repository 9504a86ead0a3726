/**
 * The pieces of the variational bound (Eq. l-vlb) that the hybrid loss needs: the KL between two
 * diagonal Gaussians, the discretized Gaussian log-likelihood of the decoder at t = 1, and a
 * stop-gradient (tfjs has none) so that the bound trains only the variance. These follow the
 * official diffusion_utils.py (from OpenAI's IDDPM / ADM).
 *
 * Letters in shape comments: N batch, H height, W width, C channels.
 */
import { tf } from '../tf';

type Tensor = tf.Tensor;

/** Mean over every axis but the first: (N, ...) -> (N). */
export function meanFlat(x: Tensor): Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  return axes.length ? tf.mean(x, axes) : x;
}

/**
 * KL(N(mean1, exp(logvar1)) || N(mean2, exp(logvar2))) per element, in nats:
 * 0.5 (-1 + logvar2 - logvar1 + exp(logvar1 - logvar2) + (mean1 - mean2)^2 exp(-logvar2)).
 * Arguments broadcast.
 */
export function normalKl(mean1: Tensor, logvar1: Tensor, mean2: Tensor, logvar2: Tensor): Tensor {
  return tf.tidy(() => {
    const d = tf.sub(mean1, mean2);
    const inner = tf.addN([
      tf.broadcastTo(tf.sub(tf.sub(logvar2, logvar1), 1), d.shape),
      tf.broadcastTo(tf.exp(tf.sub(logvar1, logvar2)), d.shape),
      tf.mul(tf.square(d), tf.exp(tf.neg(logvar2))),
    ]);
    return tf.mul(0.5, inner);
  });
}

/**
 * The standard normal CDF by the tanh approximation the official code uses (the one in GELU):
 * Phi(x) ~ 0.5 (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). Written with products, not pow, so its
 * gradient has no log of a negative base.
 */
export function approxStandardNormalCdf(x: Tensor): Tensor {
  return tf.tidy(() => {
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, cube)));
    return tf.mul(0.5, tf.add(1, tf.tanh(inner)));
  });
}

/**
 * log p(x) of data x in [-1, 1] quantised to 256 levels under N(means, exp(logScales)^2): the
 * Gaussian's mass on the bin [x - 1/255, x + 1/255], with the two edge bins open to -inf / +inf
 * (official discretized_gaussian_log_likelihood). DiT keeps this for the t = 1 term although its
 * latents are not 8-bit images; we do what the code does. Probabilities are clamped at 1e-12
 * before the log. All arguments (N, H, W, C). Returns nats, (N, H, W, C).
 */
export function discretizedGaussianLogLikelihood(x: Tensor, means: Tensor, logScales: Tensor): Tensor {
  return tf.tidy(() => {
    const centered = tf.sub(x, means);
    const invStdv = tf.exp(tf.neg(logScales));
    const cdfPlus = approxStandardNormalCdf(tf.mul(invStdv, tf.add(centered, 1 / 255)));
    const cdfMin = approxStandardNormalCdf(tf.mul(invStdv, tf.sub(centered, 1 / 255)));
    const logCdfPlus = tf.log(tf.maximum(cdfPlus, 1e-12));
    const logOneMinusCdfMin = tf.log(tf.maximum(tf.sub(1, cdfMin), 1e-12));
    const logCdfDelta = tf.log(tf.maximum(tf.sub(cdfPlus, cdfMin), 1e-12));
    return tf.where(tf.less(x, -0.999), logCdfPlus, tf.where(tf.greater(x, 0.999), logOneMinusCdfMin, logCdfDelta));
  });
}

/**
 * The identity in the forward pass with a zero gradient (PyTorch's .detach()). The hybrid loss feeds
 * the bound a copy of the network output whose eps half is detached, so that the bound trains only
 * the variance channels (official training_losses: frozen_out).
 */
const detach = tf.customGrad((...inputs: Array<Tensor | unknown>) => ({
  value: tf.clone(inputs[0] as Tensor),
  gradFunc: (dy: Tensor) => tf.zerosLike(dy),
}));

export function stopGradient<T extends Tensor>(x: T): T {
  return detach(x) as T;
}
