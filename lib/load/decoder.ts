/**
 * The decoders the worker can build from the VAE folder a DiT folder names:
 *
 *   the tiny VAE (lib/vae)  model.json with userDefinedMetadata.config (VAE_V1 when absent); the DiT
 *                          works on z = scaleFactor * E(x), so pictures are D(z / scaleFactor)
 *
 *   kind 'latent-preview'  a per-pixel linear map of the C latent channels to one grey value,
 *                          upsampled to S x S by repetition (the cheap preview Stable Diffusion UIs
 *                          show while sampling). Development model folders use it
 *                          (scripts/bench/browser-dev-model.ts), so the runtime can be exercised
 *                          before a VAE is trained.
 *
 * Letters: N batch, H, W latent side, C latent channels, S picture side.
 */
import { tf } from '../tf';
import type { WeightsManifestFile } from '../weights';
import { loadWeights } from '../weights';
import type { LatentDecoder } from './model-loader';
import { buildTinyVae } from '../vae/weights';

function latentPreview(manifest: WeightsManifestFile, shards: ArrayBuffer[]): LatentDecoder {
  const meta = manifest.userDefinedMetadata ?? {};
  const channels = Number(meta.latentChannels ?? 4);
  const upsample = Number(meta.upsample ?? 4);
  const tensors = loadWeights(manifest, shards, { 'preview.weight': [1, channels], 'preview.bias': [1] });
  const w = tf.keep(tf.transpose(tensors['preview.weight'])); // (C, 1)
  const b = tensors['preview.bias'];
  tensors['preview.weight'].dispose();
  return {
    imageSize: Number(meta.latentSize ?? 8) * upsample,
    decode: (z) =>
      tf.tidy(() => {
        const [n, h, wd, c] = z.shape;
        const g = tf.tanh(tf.add(tf.matMul(tf.reshape(z, [-1, c]), w), b)); // (N*H*W, 1)
        return tf.image.resizeNearestNeighbor(tf.reshape(g, [n, h, wd, 1]) as tf.Tensor4D, [h * upsample, wd * upsample]);
      }),
    dispose: () => {
      w.dispose();
      b.dispose();
    },
  };
}

function tinyVae(manifest: WeightsManifestFile, shards: ArrayBuffer[], scaleFactor: number | null): LatentDecoder {
  if (!(scaleFactor !== null && Number.isFinite(scaleFactor) && scaleFactor > 0)) {
    throw new Error('no latent scale factor: neither the DiT folder nor the VAE folder states scaleFactor');
  }
  const vae = buildTinyVae(manifest, shards);
  const { config } = vae;
  return {
    imageSize: config.imageSize,
    decode: (z) => tf.tidy(() => vae.decode(tf.div(z, scaleFactor)) as tf.Tensor4D),
    dispose: () => vae.dispose(),
  };
}

export function makeVaeDecoder(manifest: WeightsManifestFile, shards: ArrayBuffer[], scaleFactor: number | null): LatentDecoder {
  const kind = manifest.userDefinedMetadata?.kind;
  if (kind === 'latent-preview') return latentPreview(manifest, shards);
  return tinyVae(manifest, shards, scaleFactor);
}
