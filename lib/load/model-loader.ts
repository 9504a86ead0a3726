/**
 * Loading a model folder in the worker: fetch (with progress, from the Cache API when present),
 * verify, and build the network. What a folder holds and which VAE, scale factor and schedule a DiT
 * samples with is lib/sample/folder.ts's one rule; this file is the browser's reader of it.
 *
 * Verification, each failure a sentence for the reader: every shard has the byte size the manifest
 * states (a truncated download is never cached); every float is finite; the names and shapes are
 * exactly the network's (lib/dit/weights.ts loadDiT, lib/weights loadWeights).
 */
import { tf } from '../tf';
import { type DiT } from '../dit/model';
import { loadDiT } from '../dit/weights';
import type { DiTConfig } from '../dit/config';
import { manifestSpecs, type WeightsManifestFile, type WeightSpec } from '../weights';
import type { ScheduleName } from '../diffusion/schedules';
import { ditFolderFacts, folderBetas, vaeScaleFactor, type DiTFolderFacts } from '../sample/folder';
import { cacheFiles, contentTag, fetchFiles, forgetFiles, joinUrl, type CacheLike, type FetchLike } from './fetch-cached';
import { RuntimeError, type LoadedModel } from './loaded';
import { ditSamplerModel } from '../sample/run';

/** A decoder the runtime can call: DiT-space latents (N, H, W, C) -> pictures (N, S, S, 1) in [-1, 1]. */
export interface LatentDecoder {
  decode(z: tf.Tensor4D): tf.Tensor4D;
  imageSize: number;
  dispose(): void;
}

/** Builds the decoder from a VAE folder's manifest and shards (the VAE module's loader checks them). */
export type DecoderFactory = (manifest: WeightsManifestFile, shards: ArrayBuffer[], scaleFactor: number | null) => LatentDecoder;

/** An optional JSON file (a folder's manifest.json): null when absent or unreadable. */
async function optionalJson(url: string, env: Pick<LoaderEnv, 'fetch'>): Promise<Record<string, unknown> | null> {
  try {
    const res = await env.fetch(url);
    if (!res.ok) return null;
    const v = (await res.json()) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export interface LoaderEnv {
  fetch: FetchLike;
  cache: CacheLike | null;
  makeDecoder: DecoderFactory;
}

export interface FetchedFolder {
  manifest: WeightsManifestFile;
  shards: ArrayBuffer[];
  bytes: number;
  fromCache: boolean;
  /** Store the shards in the cache (after everything verified). */
  commit(): Promise<void>;
  /** Drop cached shards (a cached copy failed verification). */
  forget(): Promise<void>;
}

const SPEC_BYTES = { float32: 4, int32: 4, float16: 2, uint8: 1 } as const;

/** Bytes a folder's shards hold in total, from its specs. */
export function folderBytes(manifest: WeightsManifestFile): number {
  return manifestSpecs(manifest).reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * SPEC_BYTES[s.quantization?.dtype ?? s.dtype], 0);
}

/** The first non-finite stored value, or null. Checks float32 and float16 specs; uint8 cannot hold one. */
export function firstNonFinite(specs: WeightSpec[], data: Uint8Array): string | null {
  let offset = 0;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const kind = s.quantization?.dtype ?? s.dtype;
    if (kind === 'float32') {
      for (let k = 0; k < n; k++) {
        const v = view.getFloat32(offset + 4 * k, true);
        if (!Number.isFinite(v)) return `'${s.name}' holds ${v} at index ${k}`;
      }
    } else if (kind === 'float16') {
      for (let k = 0; k < n; k++) {
        if ((view.getUint16(offset + 2 * k, true) & 0x7c00) === 0x7c00) return `'${s.name}' holds a float16 inf or NaN at index ${k}`;
      }
    }
    offset += n * SPEC_BYTES[kind];
  }
  return null;
}

/** Reads a folder's model.json, reporting a missing or malformed one in words. */
export async function fetchManifest(folderUrl: string, env: Pick<LoaderEnv, 'fetch'>): Promise<WeightsManifestFile> {
  const url = joinUrl(folderUrl, 'model.json');
  let res: Response;
  try {
    res = await env.fetch(url);
  } catch (e) {
    throw new RuntimeError('weights', `could not fetch ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new RuntimeError('weights', `${url}: HTTP ${res.status}${res.status === 404 ? ' (the model files are not on this server)' : ''}`);
  let m: WeightsManifestFile;
  try {
    m = (await res.json()) as WeightsManifestFile;
    manifestSpecs(m);
  } catch (e) {
    throw new RuntimeError('weights', `${url} is not a weights manifest: ${(e as Error).message}`);
  }
  return m;
}

/** Fetches a folder (manifest and shards) and checks sizes and values; shards are cached only on commit(). */
export async function fetchFolder(
  folderUrl: string,
  env: Pick<LoaderEnv, 'fetch' | 'cache'>,
  onProgress?: (loaded: number, total: number, file: string) => void,
  manifest?: WeightsManifestFile,
): Promise<FetchedFolder> {
  const m = manifest ?? (await fetchManifest(folderUrl, env));
  const paths = m.weightsManifest.flatMap((g) => g.paths);
  const urls = paths.map((p) => joinUrl(folderUrl, p));
  const lengths = Array.isArray(m.shardByteLengths) && m.shardByteLengths.length === urls.length ? m.shardByteLengths : null;
  // Shards are cached under a key tagged with the manifest's content, so a folder re-shipped under the
  // same name (during development) never serves old shards of the same size.
  const tag = contentTag(JSON.stringify(m));
  const cacheKey = (u: string) => `${u}?v=${tag}`;
  let files;
  try {
    files = await fetchFiles(urls, { fetch: env.fetch, cache: env.cache, expectedBytes: lengths ?? undefined, onProgress, cacheKey });
  } catch (e) {
    throw new RuntimeError('weights', `the model's weights could not be downloaded: ${(e as Error).message}`);
  }
  const forget = () => forgetFiles(env.cache, urls.map(cacheKey));
  const total = files.reduce((a, f) => a + f.bytes.length, 0);
  const need = folderBytes(m);
  const all = new Uint8Array(total);
  let o = 0;
  for (const f of files) {
    all.set(f.bytes, o);
    o += f.bytes.length;
  }
  const problem = total !== need ? `the shards hold ${total} bytes, the manifest describes ${need}` : firstNonFinite(manifestSpecs(m), all);
  if (problem) {
    await forget();
    throw new RuntimeError('weights', `the model's weights in ${folderUrl} are damaged: ${problem}`);
  }
  return {
    manifest: m,
    shards: files.map((f) => f.bytes.buffer.slice(f.bytes.byteOffset, f.bytes.byteOffset + f.bytes.byteLength) as ArrayBuffer),
    bytes: total,
    fromCache: files.every((f) => f.fromCache),
    commit: () => cacheFiles(env.cache, files),
    forget,
  };
}

export type OnProgress = (loaded: number, total: number, file: string) => void;
export type FetchEnv = Pick<LoaderEnv, 'fetch' | 'cache'>;

/** What a caller of loadDiTWithVae builds from the VAE folder (the sampler a decoder, the inspector a TinyVAE). */
export interface VaeBuilder<V, S> {
  /** Called before the VAE's shards are fetched, with the scale factor found (or null): throws to refuse the folder. */
  accept(vaeFolder: string, vaeManifest: WeightsManifestFile, scaleFactor: number | null): S;
  /** Builds from the verified shards; a failure throws a RuntimeError in words. */
  build(vaeFolder: string, vaeManifest: WeightsManifestFile, shards: ArrayBuffer[], scaleFactor: S): V;
}

export interface DiTWithVae<V, S> extends Omit<DiTFolderFacts, 'scaleFactor' | 'vae'> {
  net: DiT;
  vae: V;
  config: DiTConfig;
  scaleFactor: S;
  numTimesteps: number;
  schedule: ScheduleName;
  fromCache: boolean;
}

/**
 * Fetches a DiT folder and the VAE folder it names (lib/sample/folder.ts), verifies both under one
 * progress bar, builds the DiT and, through `vae`, what the caller needs of the VAE. Shards are cached
 * only once both are built; a DiT that does not fit its weights drops its cached shards, a VAE that
 * cannot be built drops its own.
 */
export async function loadDiTWithVae<V, S>(
  model: string,
  baseUrl: string,
  env: FetchEnv,
  onProgress: OnProgress,
  vae: VaeBuilder<V, S>,
): Promise<DiTWithVae<V, S>> {
  const folder = joinUrl(baseUrl, model);
  const manifest = await fetchManifest(folder, env);
  const ship = await optionalJson(joinUrl(folder, 'manifest.json'), env);
  let facts: DiTFolderFacts;
  try {
    facts = ditFolderFacts(manifest, ship);
  } catch (e) {
    throw new RuntimeError('weights', `${folder}/model.json: ${(e as Error).message}`);
  }
  const { config } = facts;
  const vaeFolder = joinUrl(baseUrl, facts.vae);
  const vaeManifest = await fetchManifest(vaeFolder, env);

  // One progress bar over both folders; the DiT's shards first, so damaged DiT weights report first.
  const ditBytes = folderBytes(manifest);
  const all = ditBytes + folderBytes(vaeManifest);
  const dit = await fetchFolder(folder, env, (n, _t, f) => onProgress(Math.min(n, ditBytes), all, f), manifest);
  const scaleFactor = vae.accept(vaeFolder, vaeManifest, facts.scaleFactor ?? vaeScaleFactor(vaeManifest));
  const vaeFiles = await fetchFolder(vaeFolder, env, (n, _t, f) => onProgress(Math.min(all, ditBytes + n), all, f), vaeManifest);

  let net: DiT;
  try {
    net = loadDiT(manifest, dit.shards, config);
  } catch (e) {
    await dit.forget();
    throw new RuntimeError('weights', `the weights in ${folder} do not fit the network: ${(e as Error).message}`);
  }
  let built: V;
  try {
    built = vae.build(vaeFolder, vaeManifest, vaeFiles.shards, scaleFactor);
  } catch (e) {
    net.dispose();
    await vaeFiles.forget();
    throw e;
  }
  await dit.commit();
  await vaeFiles.commit();
  return { ...facts, net, vae: built, scaleFactor, fromCache: dit.fromCache && vaeFiles.fromCache };
}

/** Loads a DiT folder and the VAE folder it names, verifies both, and builds what a SamplingRun needs. */
export async function loadDiTModel(model: string, baseUrl: string, env: LoaderEnv, onProgress: OnProgress): Promise<LoadedModel> {
  const {
    net,
    vae: decoder,
    config,
    preset,
    numTimesteps,
    schedule,
    fromCache,
  } = await loadDiTWithVae(model, baseUrl, env, onProgress, {
    accept: (_folder, _manifest, scaleFactor) => scaleFactor,
    build: (vaeFolder, vaeManifest, shards, scaleFactor): LatentDecoder => {
      try {
        return env.makeDecoder(vaeManifest, shards, scaleFactor);
      } catch (e) {
        throw new RuntimeError('weights', `the decoder in ${vaeFolder} could not be built: ${(e as Error).message}`);
      }
    },
  });
  const sampler = ditSamplerModel(net, (z) => decoder.decode(z), folderBetas({ schedule, numTimesteps }));
  const parameters = Object.values(net.stateDict()).reduce((a, v) => a + v.size, 0);
  return {
    sampler,
    info: {
      preset,
      parameters,
      numTimesteps,
      numClasses: config.numClasses,
      imageSize: decoder.imageSize,
      fromCache,
    },
    dispose: () => {
      net.dispose();
      decoder.dispose();
    },
  };
}
