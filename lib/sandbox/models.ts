/**
 * The shipped DiT and VAE for a cell: loaded in the sandbox worker before it locks itself down,
 * through the same loaders, cache and sampling road as the widgets (lib/load, lib/sample/run.ts),
 * so sample({ seed: 5 }) gives the reverse sampler's digits for seed 5. Worker only (tfjs).
 */
import { tf } from '../tf';
import { loadDiTModel } from '../load/model-loader';
import { makeVaeDecoder } from '../load/decoder';
import { loadEncoder } from '../inspect/loaders';
import { openModelCache } from '../load/fetch-cached';
import { DEFAULT_VAE } from '../sample/folder';
import { batchSeeds, samplePictures } from '../sample/run';
import { SAMPLERS, MAX_SEED, type SamplerName } from '../sample/settings';
import { DEFAULT_MODEL } from '../worker/protocol';
import type { CellModels } from './api';

type Numbers = ArrayLike<number>;

function whole(v: unknown, name: string, lo: number, hi: number, fallback: number): number {
  const x = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(x) || x < lo || x > hi) throw new RangeError(`${name} must be a whole number from ${lo} to ${hi}`);
  return x;
}

export async function loadCellModels(baseUrl: string): Promise<CellModels> {
  const env = { fetch: (url: string) => fetch(url), cache: await openModelCache() };
  const dit = await loadDiTModel(DEFAULT_MODEL, baseUrl, { ...env, makeDecoder: makeVaeDecoder }, () => undefined);
  const encoder = await loadEncoder(DEFAULT_VAE, baseUrl, env, () => undefined);
  const m = dit.sampler;
  const latentLength = m.latentSize * m.latentSize * m.latentChannels;
  return {
    async sample(opts = {}) {
      const n = whole(opts.n, 'n', 1, 32, 8);
      const label = whole(opts.label, 'label', -1, m.numClasses - 1, -1);
      const steps = whole(opts.steps, 'steps', 1, 250, 25);
      const seed = whole(opts.seed, 'seed', 0, MAX_SEED, 1);
      const guidance = opts.guidance === undefined ? 4 : Number(opts.guidance);
      if (!Number.isFinite(guidance) || guidance < 0 || guidance > 20) throw new RangeError('guidance must be a number from 0 to 20');
      const sampler = (opts.sampler ?? 'ddim') as SamplerName;
      if (!SAMPLERS.includes(sampler)) throw new RangeError(`sampler must be one of ${SAMPLERS.join(', ')}`);
      const out = await samplePictures(m, {
        labels: new Array<number>(n).fill(label),
        seeds: batchSeeds(seed, n),
        steps,
        sampler,
        eta: 0,
        guidanceScale: guidance,
        cfgChannels: 'all',
      });
      if (!out) throw new Error('sampling was stopped');
      const side = Math.round(Math.sqrt(out.images.length / n));
      return {
        images: Array.from({ length: n }, (_, i) => Array.from(out.images.subarray(i * side * side, (i + 1) * side * side))),
        labels: Array.from(out.labels),
      };
    },
    async encode(pixels: Numbers) {
      if (pixels.length !== 32 * 32) throw new RangeError(`encode() takes one 32 x 32 digit (1024 values), got ${pixels.length}`);
      return Array.from((await encoder.encode(Float32Array.from(pixels), 1)).latents);
    },
    async decode(latent: Numbers) {
      if (latent.length !== latentLength)
        throw new RangeError(
          `decode() takes one ${m.latentSize} x ${m.latentSize} x ${m.latentChannels} latent (${latentLength} values), got ${latent.length}`,
        );
      return tf.tidy(() => Array.from(m.decode(tf.tensor4d(Float32Array.from(latent), [1, m.latentSize, m.latentSize, m.latentChannels])).dataSync()));
    },
  };
}
