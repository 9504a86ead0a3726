/**
 * The tiny VAE's configuration and its parameter list, named by the state_dict keys an equivalent
 * PyTorch module would have, with PyTorch's shapes (Conv2d (out, in, kh, kw), ConvTranspose2d
 * (in, out, kh, kw)). It plays the role of Stable Diffusion's VAE at MNIST scale: 32x32x1 pixels ->
 * 8x8x4 latents (downsampling factor 4) -> 32x32x1.
 *
 *   encoder.conv_in     Conv2d(1, c0, 3, padding 1)            32x32
 *   encoder.down.0      Conv2d(c0, c1, 2, stride 2)            -> 16x16
 *   encoder.res.0       ResBlock(c1): conv1, conv2 (3x3)       16x16
 *   encoder.down.1      Conv2d(c1, c2, 2, stride 2)            -> 8x8
 *   encoder.res.1       ResBlock(c2)                           8x8
 *   encoder.conv_out    Conv2d(c2, 2z, 3, padding 1)           8x8: mean, log-variance
 *   decoder.conv_in     Conv2d(z, c2, 3, padding 1)            8x8
 *   decoder.res.0       ResBlock(c2)                           8x8
 *   decoder.up.0        ConvTranspose2d(c2, c1, 2, stride 2)   -> 16x16
 *   decoder.res.1       ResBlock(c1)                           16x16
 *   decoder.up.1        ConvTranspose2d(c1, c0, 2, stride 2)   -> 32x32
 *   decoder.conv_out    Conv2d(c0, 1, 3, padding 1)            32x32
 *
 * Letters: z latent channels, c0 c1 c2 channel widths.
 */

export interface VAEConfig {
  /** Image side (32: MNIST padded). */
  imageSize: number;
  inChannels: number;
  /** Latent channels z (4, as Stable Diffusion's VAE). */
  latentChannels: number;
  /** Widths at 32x32, 16x16 and 8x8. */
  channels: [number, number, number];
  /** Weight of the KL term per latent element relative to the per-pixel squared error (see loss.ts). */
  klWeight: number;
}

export const VAE_V1: VAEConfig = {
  imageSize: 32,
  inChannels: 1,
  latentChannels: 4,
  channels: [16, 32, 64],
  klWeight: 1e-3,
};

/** Latent side: two stride-2 downsamplings. */
export function latentSize(c: VAEConfig): number {
  return c.imageSize / 4;
}

export type ShapeMap = Record<string, number[]>;

export function parameterShapes(c: VAEConfig): ShapeMap {
  const [c0, c1, c2] = c.channels;
  const z = c.latentChannels;
  const map: ShapeMap = {};
  const conv = (name: string, i: number, o: number, k: number) => {
    map[`${name}.weight`] = [o, i, k, k];
    map[`${name}.bias`] = [o];
  };
  const convT = (name: string, i: number, o: number, k: number) => {
    map[`${name}.weight`] = [i, o, k, k];
    map[`${name}.bias`] = [o];
  };
  const res = (name: string, ch: number) => {
    conv(`${name}.conv1`, ch, ch, 3);
    conv(`${name}.conv2`, ch, ch, 3);
  };
  conv('encoder.conv_in', c.inChannels, c0, 3);
  conv('encoder.down.0', c0, c1, 2);
  res('encoder.res.0', c1);
  conv('encoder.down.1', c1, c2, 2);
  res('encoder.res.1', c2);
  conv('encoder.conv_out', c2, 2 * z, 3);
  conv('decoder.conv_in', z, c2, 3);
  res('decoder.res.0', c2);
  convT('decoder.up.0', c2, c1, 2);
  res('decoder.res.1', c1);
  convT('decoder.up.1', c1, c0, 2);
  conv('decoder.conv_out', c0, c.inChannels, 3);
  return map;
}

export function countParameters(c: VAEConfig): number {
  return Object.values(parameterShapes(c)).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
}

/**
 * Forward FLOPs per image (2 per multiply-add; biases and activations ignored), for the encoder and
 * the decoder. Every layer is a matmul of (pixels of its output) x (fan-in) x (out channels), except
 * ConvTranspose2d whose input pixels each produce an s x s patch.
 */
export function flopsPerImage(c: VAEConfig): { encoder: number; decoder: number } {
  const shapes = parameterShapes(c);
  const side = c.imageSize;
  const outSide: Record<string, number> = {
    'encoder.conv_in': side,
    'encoder.down.0': side / 2,
    'encoder.res.0': side / 2,
    'encoder.down.1': side / 4,
    'encoder.res.1': side / 4,
    'encoder.conv_out': side / 4,
    'decoder.conv_in': side / 4,
    'decoder.res.0': side / 4,
    'decoder.up.0': side / 2,
    'decoder.res.1': side / 2,
    'decoder.up.1': side,
    'decoder.conv_out': side,
  };
  const out = { encoder: 0, decoder: 0 };
  for (const [name, shape] of Object.entries(shapes)) {
    if (!name.endsWith('.weight')) continue;
    const layer = name.replace(/\.(conv1|conv2)?\.?weight$/, '').replace(/\.weight$/, '');
    const s = outSide[layer] ?? outSide[layer.split('.').slice(0, 3).join('.')];
    if (s === undefined) throw new Error(`flopsPerImage: no output size for ${name}`);
    const macs = (s * s * shape.reduce((a, b) => a * b, 1)) / (layer.includes('.up.') ? shape[2] * shape[3] : 1);
    out[name.startsWith('encoder') ? 'encoder' : 'decoder'] += 2 * macs;
  }
  return out;
}
