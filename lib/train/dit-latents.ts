/**
 * The DiT's view of the VAE: load the shipped tiny VAE (public/models/vae-v1/) with its latent scale
 * factor, and encode the training split once into a cached LatentDataset (posterior mean and std,
 * both times the scale factor), so training draws fresh posterior samples each step without running
 * the encoder (DiT train.py encodes every batch; the cache gives the same distribution for free).
 * The cache file is keyed by a hash of the VAE's weights and the split, in checkpoints/dit-latents/.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf';
import type { TinyVAE } from '../vae/model';
import { buildTinyVae } from '../vae/weights';
import { readFolderFiles } from '../weights/node';
import { DEFAULT_VAE, repoPath, vaeScaleFactor } from '../sample/folder';
import { loadMnistSplit } from '../data/node';
import { paddedBatch, DEFAULT_SPLIT } from '../data/mnist';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import type { LatentDataset } from './dit-task';

export const VAE_DIR = repoPath(DEFAULT_VAE);
export const LATENT_CACHE_DIR = join(process.env.DIT_CHECKPOINT_ROOT ?? 'checkpoints', 'dit-latents');
/** DIT_VAE_DIR overrides the VAE folder (a dry run against an untrained VAE). */

export interface LoadedVAE {
  vae: TinyVAE;
  /** z = scaleFactor * E(x) is what the DiT sees (paper: 0.18215 for the SD VAE). */
  scaleFactor: number;
  dir: string;
  /** sha256 of model.json and the shards: names the latent cache and goes into DiT manifests. */
  hash: string;
}

/** Loads a VAE folder (DIT_VAE_DIR or the shipped one by default) with its scale factor (lib/sample/folder.ts) and content hash. */
export function loadShippedVAE(dir = process.env.DIT_VAE_DIR ?? VAE_DIR): LoadedVAE {
  if (!existsSync(join(dir, 'model.json'))) throw new Error(`the VAE is not shipped yet: no ${dir}/model.json (train it first: npm run cli -- train vae)`);
  const { manifest, shards } = readFolderFiles(dir);
  const scaleFactor = vaeScaleFactor(manifest);
  if (scaleFactor === null) throw new Error(`no latent scale factor (userDefinedMetadata.scaleFactor) in ${dir}/model.json`);
  const vae = buildTinyVae(manifest, shards);
  const h = createHash('sha256');
  h.update(readFileSync(join(dir, 'model.json')));
  for (const b of shards) h.update(new Uint8Array(b));
  return { vae, scaleFactor, dir, hash: h.digest('hex').slice(0, 16) };
}

/** Encodes digits (by index into the set) to scaled posterior mean and std, in batches. */
export function encodeLatents(
  v: LoadedVAE,
  images: (idx: Int32Array) => Float32Array,
  count: number,
  batch = 500,
): { mean: Float32Array; std: Float32Array; size: number; channels: number } {
  const size = v.vae.config.imageSize / 4;
  const channels = v.vae.config.latentChannels;
  const per = size * size * channels;
  const mean = new Float32Array(count * per);
  const std = new Float32Array(count * per);
  const img = v.vae.config.imageSize;
  for (let s = 0; s < count; s += batch) {
    const idx = Int32Array.from({ length: Math.min(batch, count - s) }, (_, k) => s + k);
    const [m, sd] = tf.tidy(() => {
      const x = tf.tensor4d(images(idx), [idx.length, img, img, 1]);
      const p = v.vae.encode(x);
      return [tf.mul(p.mean, v.scaleFactor), tf.mul(tf.exp(tf.mul(p.logvar, 0.5)), v.scaleFactor)];
    });
    try {
      mean.set(m.dataSync(), s * per);
      std.set(sd.dataSync(), s * per);
    } finally {
      tf.dispose([m, sd]);
    }
  }
  return { mean, std, size, channels };
}

/** The training split's latents, from the cache or encoded now (and cached). */
export function trainLatents(v: LoadedVAE, log: (s: string) => void = (s) => process.stderr.write(s + '\n')): LatentDataset & { cacheFile: string } {
  const split = loadMnistSplit();
  const key = `${v.hash}-split${DEFAULT_SPLIT.seed}-${split.train.length}`;
  const file = join(LATENT_CACHE_DIR, `${key}.bin`);
  if (existsSync(file)) {
    const b = readFileSync(file);
    const ck = decodeCheckpoint<{ key: string; size: number; channels: number; count: number }>(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    const get = (n: string) => {
      const t = ck.tensors.find((x) => x.name === n);
      if (!t) throw new Error(`latent cache ${file} lacks '${n}'`);
      return t.data;
    };
    const m = ck.meta;
    return { count: m.count, size: m.size, channels: m.channels, labels: Int32Array.from(get('labels')), mean: get('mean'), std: get('std'), cacheFile: file };
  }
  const t0 = Date.now();
  const set = split.trainSet;
  const enc = encodeLatents(v, (idx) => paddedBatch(set, idx), set.count);
  const labels = Int32Array.from(set.labels);
  mkdirSync(LATENT_CACHE_DIR, { recursive: true });
  const per = enc.size * enc.size * enc.channels;
  const bytes = encodeCheckpoint({
    meta: { key, size: enc.size, channels: enc.channels, count: set.count, scaleFactor: v.scaleFactor, vae: v.dir },
    tensors: [
      { name: 'mean', shape: [set.count, per], data: enc.mean },
      { name: 'std', shape: [set.count, per], data: enc.std },
      { name: 'labels', shape: [set.count], data: Float32Array.from(labels) },
    ],
  });
  // Two training processes may encode the same cache at once (`train all` starts two): each writes its
  // own temporary file, and the rename is atomic, so the cache is always one whole file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  let s2 = 0;
  for (const x of enc.mean) s2 += x * x;
  log(
    `encoded ${set.count} training digits to latents in ${((Date.now() - t0) / 1000).toFixed(1)} s (rms of scaled means ${Math.sqrt(s2 / enc.mean.length).toFixed(3)}); cached at ${file}`,
  );
  return { count: set.count, size: enc.size, channels: enc.channels, labels, mean: enc.mean, std: enc.std, cacheFile: file };
}
