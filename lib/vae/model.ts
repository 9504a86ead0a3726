/**
 * The tiny VAE (config.ts has the layer table). Latent diffusion (Rombach et al.; the DiT paper
 * section 3.1) trains the diffusion model on z = scaleFactor * E(x) instead of pixels; this is that
 * E and D at MNIST scale. Activations are NHWC: images (N, 32, 32, 1) in [-1, 1], latents
 * (N, 8, 8, 4). Every layer is one whose gradients tfjs-wasm has (lib/nn/conv.ts).
 *
 * Letters: N batch, z latent channels.
 */
import { tf } from '../tf';
import { shapeProblems } from '../weights';
import { conv2d, patchConv2d, convTranspose2d } from '../nn/conv';
import { torchDefaultVariables } from '../nn/init';
import { silu } from '../dit/layers';
import { type VAEConfig, latentSize, parameterShapes, type ShapeMap } from './config';

type Tensor = tf.Tensor;

/** Log-variance clamp of the posterior (diffusers DiagonalGaussianDistribution: [-30, 20]). */
const LOGVAR_MIN = -30;
const LOGVAR_MAX = 20;

export interface Posterior {
  /** (N, 8, 8, z) */
  mean: Tensor;
  /** (N, 8, 8, z), clamped to [-30, 20] */
  logvar: Tensor;
}

export class TinyVAE {
  readonly config: VAEConfig;
  readonly shapes: ShapeMap;
  /** Live weights by state_dict key. */
  readonly params: Record<string, tf.Variable>;

  /**
   * PyTorch's default Conv2d initialisation (lib/nn/init.ts); the second conv of each residual block
   * is scaled by 0.1 so every block starts close to the identity.
   */
  constructor(config: VAEConfig, seed = 0) {
    this.config = { ...config, channels: [...config.channels] as [number, number, number] };
    this.shapes = parameterShapes(config);
    this.params = torchDefaultVariables(this.shapes, {
      seed,
      salt: 31,
      prefix: 'vae',
      // Conv2d (out, in, kh, kw): fan_in = in*kh*kw. ConvTranspose2d (in, out, kh, kw): PyTorch uses
      // weight.size(1)*kh*kw = out*kh*kw.
      fanIn: (shape) => shape[1] * shape[2] * shape[3],
      scale: (name) => (name.endsWith('.conv2.weight') ? 0.1 : 1),
    });
  }

  private w(name: string): Tensor {
    const v = this.params[name];
    if (!v) throw new Error(`TinyVAE: no parameter '${name}'`);
    return v;
  }

  private conv(name: string, x: Tensor): Tensor {
    return conv2d(x, this.w(`${name}.weight`), this.w(`${name}.bias`));
  }

  /** Pre-activation residual block: x + conv2(SiLU(conv1(SiLU(x)))). */
  private res(name: string, x: Tensor): Tensor {
    const h = this.conv(`${name}.conv1`, silu(x));
    return tf.add(x, this.conv(`${name}.conv2`, silu(h)));
  }

  /** q(z | x): x (N, 32, 32, 1) in [-1, 1] -> mean and log-variance (N, 8, 8, z). Not scaled. */
  encode(x: Tensor): Posterior {
    const { imageSize, inChannels, latentChannels } = this.config;
    if (x.rank !== 4 || x.shape[1] !== imageSize || x.shape[2] !== imageSize || x.shape[3] !== inChannels) {
      throw new Error(`TinyVAE.encode: x must be (N, ${imageSize}, ${imageSize}, ${inChannels}); got (${x.shape.join(', ')})`);
    }
    let h = this.conv('encoder.conv_in', x); // (N, 32, 32, c0)
    h = patchConv2d(silu(h), this.w('encoder.down.0.weight'), this.w('encoder.down.0.bias')); // (N, 16, 16, c1)
    h = this.res('encoder.res.0', h);
    h = patchConv2d(silu(h), this.w('encoder.down.1.weight'), this.w('encoder.down.1.bias')); // (N, 8, 8, c2)
    h = this.res('encoder.res.1', h);
    const moments = this.conv('encoder.conv_out', silu(h)); // (N, 8, 8, 2z)
    const [mean, logvar] = tf.split(moments, [latentChannels, latentChannels], 3);
    return { mean, logvar: tf.clipByValue(logvar, LOGVAR_MIN, LOGVAR_MAX) };
  }

  /** p(x | z): z (N, 8, 8, z) (unscaled) -> image (N, 32, 32, 1), roughly in [-1, 1] (not clipped). */
  decode(z: Tensor): Tensor {
    const s = latentSize(this.config);
    if (z.rank !== 4 || z.shape[1] !== s || z.shape[2] !== s || z.shape[3] !== this.config.latentChannels) {
      throw new Error(`TinyVAE.decode: z must be (N, ${s}, ${s}, ${this.config.latentChannels}); got (${z.shape.join(', ')})`);
    }
    let h = this.conv('decoder.conv_in', z); // (N, 8, 8, c2)
    h = this.res('decoder.res.0', h);
    h = convTranspose2d(silu(h), this.w('decoder.up.0.weight'), this.w('decoder.up.0.bias')); // (N, 16, 16, c1)
    h = this.res('decoder.res.1', h);
    h = convTranspose2d(silu(h), this.w('decoder.up.1.weight'), this.w('decoder.up.1.bias')); // (N, 32, 32, c0)
    return this.conv('decoder.conv_out', silu(h)); // (N, 32, 32, 1)
  }

  /** Copies tensors into the weights after checking every name and shape; the caller keeps ownership. */
  loadStateDict(tensors: Record<string, Tensor>): void {
    const problems = shapeProblems(Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, t.shape])), this.shapes);
    if (problems.length) throw new Error(`TinyVAE.loadStateDict: ${problems.join('; ')}`);
    for (const [name, v] of Object.entries(this.params)) v.assign(tensors[name]);
  }

  /** The weights by state_dict key (live variables: do not dispose). */
  stateDict(): Record<string, tf.Variable> {
    return { ...this.params };
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
  }
}

/** Reparameterisation: z = mean + exp(logvar / 2) * eps, eps ~ N(0, I) given as a tensor of the same shape. */
export function samplePosterior(p: Posterior, eps: Tensor): Tensor {
  return tf.add(p.mean, tf.mul(tf.exp(tf.mul(p.logvar, 0.5)), eps));
}

/** Eq. kl-loss: KL(N(mean, exp(logvar)) || N(0, I)) per element, 0.5 (mean^2 + exp(logvar) - 1 - logvar). */
export function klPerElement(p: Posterior): Tensor {
  return tf.mul(0.5, tf.sub(tf.add(tf.square(p.mean), tf.exp(p.logvar)), tf.add(1, p.logvar)));
}

/**
 * Loss: per-pixel squared error plus klWeight times the KL per latent element, both averaged
 * over their elements: L = mean (x - D(z))^2 + klWeight * mean KL. With a Gaussian decoder of fixed
 * variance sigma^2, the negative ELBO per pixel is mean(x - D(z))^2 / (2 sigma^2) + (256/1024) mean KL
 * up to a constant; times 2 sigma^2 that is L with klWeight = sigma^2 / 2. So klWeight = 1e-3 is the ELBO
 * of a decoder with sigma ~ 0.045 in [-1, 1] units (2% of the range): a small KL weight, in the spirit
 * of Stable Diffusion's KL-regularised autoencoder, which keeps the latent smooth without blurring.
 */
export function vaeLoss(vae: TinyVAE, x: Tensor, eps: Tensor): { loss: tf.Scalar; mse: tf.Scalar; kl: tf.Scalar } {
  const post = vae.encode(x);
  const z = samplePosterior(post, eps); // (N, 8, 8, z)
  const xRec = vae.decode(z); // (N, 32, 32, 1)
  const mse = tf.mean(tf.square(tf.sub(x, xRec))) as tf.Scalar;
  const kl = tf.mean(klPerElement(post)) as tf.Scalar;
  const loss = tf.add(mse, tf.mul(vae.config.klWeight, kl)) as tf.Scalar;
  return { loss, mse, kl };
}
