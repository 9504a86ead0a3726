/**
 * What the two "look inside" widgets ask of the worker, besides sampling:
 *
 *   encode     digits -> the VAE's latents z = scaleFactor * mean(E(x))   (the patchify widget)
 *   attention  digit -> z -> x_t (q-sample at t, noise from a seed) -> DiT with its attention
 *              probabilities traced, plus x_t and the predicted x_0 decoded (the attention widget)
 *
 * Folders are fetched, verified and cached by model-loader.ts (fetchFolder; a DiT with its VAE by
 * loadDiTWithVae, the sampler's loader too), the VAE is built by lib/vae/weights.ts buildTinyVae: this file
 * only adds the encoder path and the traced forward pass. Every entry point returns plain typed arrays and leaves
 * no tensor behind (tests/unit/inspect/loaders.test.ts).
 *
 * Letters: N batch, H, W latent side, C latent channels, S picture side, L blocks, T tokens.
 */
import { tf } from '../tf';
import type { DiT } from '../dit/model';
import type { DiTConfig } from '../dit/config';
import type { TinyVAE } from '../vae/model';
import { encodeLatents, decodeLatents } from '../vae/latents';
import { diffusionConstants } from '../diffusion/schedules';
import { gaussianRng } from '../random';
import type { WeightsManifestFile } from '../weights';
import { buildTinyVae } from '../vae/weights';
import { fetchFolder, fetchManifest, loadDiTWithVae, type FetchEnv, type OnProgress } from '../load/model-loader';
import { folderBetas, vaeScaleFactor } from '../sample/folder';
import { joinUrl } from '../load/fetch-cached';
import { RuntimeError, type LoadedEncoder, type LoadedInspector } from '../load/loaded';
import type { AttentionMapsResult, AttentionParams } from '../worker/protocol';

/** A VAE folder that can encode: the tiny VAE, never a latent-preview stand-in (which has no encoder). */
function requireEncoder(folder: string, manifest: WeightsManifestFile): void {
  if (manifest.userDefinedMetadata?.kind === 'latent-preview') {
    throw new RuntimeError('weights', `${folder} is a latent preview without an encoder: a real digit cannot be turned into a latent with it`);
  }
}

function buildVae(folder: string, manifest: WeightsManifestFile, shards: ArrayBuffer[]): TinyVAE {
  try {
    return buildTinyVae(manifest, shards);
  } catch (e) {
    throw new RuntimeError('weights', `the VAE in ${folder} could not be built: ${(e as Error).message}`);
  }
}

/** Pictures (count*S*S) -> (count, S, S, 1) after checking the size fits the VAE. */
function picturesTensor(pixels: Float32Array, count: number, size: number): tf.Tensor4D {
  if (pixels.length !== count * size * size)
    throw new RuntimeError('request', `expected ${count} pictures of ${size}x${size} (${count * size * size} values), got ${pixels.length}`);
  return tf.tensor4d(pixels, [count, size, size, 1]);
}

// ---------------------------------------------------------------------------------------------
// encode
// ---------------------------------------------------------------------------------------------

/** An encoder from a VAE object (Node tests build the VAE directly; the worker through loadEncoder). */
export function encoderFromVae(vae: TinyVAE, scaleFactor: number): LoadedEncoder {
  const { imageSize, latentChannels } = vae.config;
  return {
    encode: async (pixels, count) => {
      // Eq. vae-scale: the DiT works on z = scaleFactor * E(x); the posterior mean, so a digit has one latent.
      const z = tf.tidy(() => encodeLatents(vae, picturesTensor(pixels, count, imageSize), scaleFactor, 'mean')); // (N, H, W, C)
      try {
        return { latents: (await z.data()) as Float32Array, latentSize: z.shape[1] as number, latentChannels, scaleFactor };
      } finally {
        z.dispose();
      }
    },
    dispose: () => vae.dispose(),
  };
}

/** Fetches and verifies a VAE folder (cached like the sampler's), and builds its encoder. */
export async function loadEncoder(vae: string, baseUrl: string, env: FetchEnv, onProgress: OnProgress): Promise<LoadedEncoder> {
  const folder = joinUrl(baseUrl, vae);
  const manifest = await fetchManifest(folder, env);
  requireEncoder(folder, manifest);
  const scaleFactor = vaeScaleFactor(manifest);
  if (scaleFactor === null) throw new RuntimeError('weights', `${folder} states no latent scale factor`);
  const files = await fetchFolder(folder, env, onProgress, manifest);
  let net: TinyVAE;
  try {
    net = buildVae(folder, manifest, files.shards);
  } catch (e) {
    await files.forget();
    throw e;
  }
  await files.commit();
  return encoderFromVae(net, scaleFactor);
}

// ---------------------------------------------------------------------------------------------
// attention
// ---------------------------------------------------------------------------------------------

export interface InspectParts {
  net: DiT;
  vae: TinyVAE;
  scaleFactor: number;
  betas: Float64Array;
}

/**
 * An inspector from a DiT and its VAE. One call: Eq. q-sample on the encoded digit, one traced forward
 * pass, Eq. eps-to-x0 for the predicted x_0, both latents decoded.
 */
export function inspectorFromParts({ net, vae, scaleFactor, betas }: InspectParts): LoadedInspector {
  const config: DiTConfig = net.config;
  const constants = diffusionConstants(betas);
  const { imageSize } = vae.config;
  const { inputSize: I, inChannels: C, patchSize: p, numClasses } = config;
  const grid = I / p;
  const T = grid * grid;
  return {
    attention: async ({ pixels, label, t, seed }: Pick<AttentionParams, 'pixels' | 'label' | 't' | 'seed'>) => {
      if (!(Number.isInteger(t) && t >= 0 && t < betas.length)) throw new RuntimeError('request', `t must be in [0, ${betas.length - 1}] (got ${t})`);
      if (label !== null && !(Number.isInteger(label) && label >= 0 && label < numClasses))
        throw new RuntimeError('request', `label must be in [0, ${numClasses - 1}] or null`);
      const y = label ?? numClasses; // the null class
      const next = gaussianRng(seed >>> 0);
      const eps = Float32Array.from({ length: I * I * C }, () => next()); // drawn in JS: the same x_t on every backend
      const a = constants.sqrtAlphasCumprod[t];
      const b = constants.sqrtOneMinusAlphasCumprod[t];
      const out = tf.tidy(() => {
        const z = encodeLatents(vae, picturesTensor(pixels, 1, imageSize), scaleFactor, 'mean'); // (1, H, W, C)
        // Eq. q-sample: x_t = sqrt(abar_t) z + sqrt(1 - abar_t) eps.
        const xt = tf.add(tf.mul(z, a), tf.mul(tf.tensor4d(eps, [1, I, I, C]), b)) as tf.Tensor4D; // (1, H, W, C)
        const { out: pred, trace } = net.forwardWithTrace(xt, tf.tensor1d([t], 'int32'), tf.tensor1d([y], 'int32'));
        // In-context conditioning adds two tokens; the maps keep the T patch tokens (rows then sum to their share on patches).
        const attn = tf.stack(trace.blocks.map((blk) => tf.slice(tf.squeeze(blk.attn, [0]), [0, 0, 0], [-1, T, T]))); // (L, H, T, T)
        const gates = trace.blocks.every((blk) => blk.gateMsa)
          ? tf.stack(trace.blocks.map((blk) => tf.mean(tf.abs(blk.gateMsa as tf.Tensor)))) // (L)
          : tf.zeros([0]);
        const epsPred = tf.slice(pred, [0, 0, 0, 0], [1, I, I, C]); // (1, H, W, C): the eps channels
        // Eq. eps-to-x0: x0_hat = (x_t - sqrt(1 - abar_t) eps_theta) / sqrt(abar_t).
        const x0 = tf.div(tf.sub(xt, tf.mul(epsPred, b)), a);
        const pics = decodeLatents(vae, tf.concat([xt, x0], 0), scaleFactor); // (2, S, S, 1)
        return { attn, gates, pics };
      });
      try {
        const [attn, gates, pics] = await Promise.all([out.attn.data(), out.gates.data(), out.pics.data()]);
        const px = imageSize * imageSize;
        const all = pics as Float32Array;
        const result: Omit<AttentionMapsResult, 'ms' | 'backend'> = {
          attn: attn as Float32Array,
          depth: config.depth,
          heads: config.numHeads,
          tokens: T,
          gridSize: grid,
          patchSize: p,
          gates: gates as Float32Array,
          xt: all.slice(0, px),
          x0: all.slice(px, 2 * px),
          t,
          label: y,
          numClasses,
        };
        return result;
      } finally {
        tf.dispose([out.attn, out.gates, out.pics]);
      }
    },
    dispose: () => {
      net.dispose();
      vae.dispose();
    },
  };
}

/**
 * Fetches a DiT folder and the VAE it names (model-loader.ts loadDiTWithVae, as the sampler does),
 * verifies both and builds an inspector. The VAE must have an encoder and a stated scale factor.
 */
export async function loadInspector(model: string, baseUrl: string, env: FetchEnv, onProgress: OnProgress): Promise<LoadedInspector> {
  const { net, vae, scaleFactor, schedule, numTimesteps } = await loadDiTWithVae(model, baseUrl, env, onProgress, {
    accept: (vaeFolder, vaeManifest, scaleFactor) => {
      requireEncoder(vaeFolder, vaeManifest);
      if (scaleFactor === null) throw new RuntimeError('weights', `neither ${joinUrl(baseUrl, model)} nor ${vaeFolder} states the latent scale factor`);
      return scaleFactor;
    },
    build: (vaeFolder, vaeManifest, shards) => buildVae(vaeFolder, vaeManifest, shards),
  });
  return inspectorFromParts({ net, vae, scaleFactor, betas: folderBetas({ schedule, numTimesteps }) });
}
