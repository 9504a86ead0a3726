/**
 * Loading a model folder in the worker: fetch (with progress, from the Cache API when present),
 * verify, and build the network.
 *
 * A folder (public/models/NAME-vK/) is what lib/weights writes: model.json (TensorFlow.js's weights
 * manifest plus shardByteLengths and userDefinedMetadata) and group1-shardKofN.bin. A DiT folder's
 * metadata holds { kind: 'DiT', config } (lib/dit/weights.ts saveDiT). Its optional manifest.json
 * (scripts/train/dit-ship.ts) and the metadata may name
 *   vae (data.latents.vae or latents.vae)   the VAE folder (default DEFAULT_VAE)
 *   scaleFactor (likewise)                  z = scaleFactor * E(x), as the DiT was trained
 *   preset                                  the preset name shown to the reader
 *   schedule, numTimesteps                  the training noise schedule (default linear, 1000: DiT's)
 * A VAE folder may state scaleFactor too (its manifest.json or metadata); the DiT's wins.
 * Weight names are the official state_dict keys with PyTorch shapes (architecture.md).
 *
 * Verification, each failure a sentence for the reader: every shard has the byte size the manifest
 * states (a truncated download is never cached); every float is finite; the names and shapes are
 * exactly the network's (lib/dit/weights.ts loadDiT, lib/weights loadWeights).
 */
import { tf } from '../tf';
import { type DiT } from '../dit/model';
import { loadDiT, configFromManifest } from '../dit/weights';
import { PRESETS, type DiTConfig } from '../dit/config';
import { manifestSpecs, type WeightsManifestFile, type WeightSpec } from '../weights';
import { betaSchedule, DEFAULT_NUM_TIMESTEPS, type ScheduleName } from '../diffusion/schedules';
import { cacheFiles, contentTag, fetchFiles, forgetFiles, joinUrl, type CacheLike, type FetchLike } from './fetch-cached';
import { RuntimeError, type LoadedModel } from './handler';
import type { SamplerModel } from '../sample/run';

/** The VAE folder a DiT folder uses unless its metadata names another. */
export const DEFAULT_VAE = 'models/vae-v1';

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

function positive(...xs: unknown[]): number | null {
  const v = xs.find((x) => typeof x === 'number' && Number.isFinite(x) && x > 0);
  return typeof v === 'number' ? v : null;
}

/** A repository path (public/models/vae-v1) or site path (models/vae-v1) as a site path. */
function sitePath(p: string): string {
  return p.replace(/^\.?\/?public\//, '').replace(/^\/+/, '');
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

function presetName(config: DiTConfig): string {
  const same = (a: DiTConfig, b: DiTConfig) => (Object.keys(a) as (keyof DiTConfig)[]).every((k) => a[k] === b[k]);
  return Object.entries(PRESETS).find(([, c]) => same(c, config))?.[0] ?? `DiT (depth ${config.depth}, d ${config.hiddenSize}, p ${config.patchSize})`;
}

export type OnProgress = (loaded: number, total: number, file: string) => void;
export type FetchEnv = Pick<LoaderEnv, 'fetch' | 'cache'>;

/** The scale factor a VAE folder states: its model.json metadata, else its manifest.json (not asked of a latent preview). */
export async function vaeScaleFactor(vaeFolder: string, vaeManifest: WeightsManifestFile, env: Pick<LoaderEnv, 'fetch'>): Promise<number | null> {
  const meta = vaeManifest.userDefinedMetadata ?? {};
  const own = positive(meta.scaleFactor, meta.latentScaleFactor);
  // Only then ask for the VAE's manifest.json: a missing optional file still shows as a 404.
  if (own !== null || meta.kind === 'latent-preview') return own;
  const ship = (await optionalJson(joinUrl(vaeFolder, 'manifest.json'), env)) ?? {};
  return positive(ship.scaleFactor, ship.latentScaleFactor, (ship.latent as Record<string, unknown> | undefined)?.scaleFactor);
}

/** What a caller of loadDiTWithVae builds from the VAE folder (the sampler a decoder, the inspector a TinyVAE). */
export interface VaeBuilder<V, S> {
  /** Called before the VAE's shards are fetched, with the scale factor found (or null): throws to refuse the folder. */
  accept(vaeFolder: string, vaeManifest: WeightsManifestFile, scaleFactor: number | null): S;
  /** Builds from the verified shards; a failure throws a RuntimeError in words. */
  build(vaeFolder: string, vaeManifest: WeightsManifestFile, shards: ArrayBuffer[], scaleFactor: S): V;
}

export interface DiTWithVae<V, S> {
  net: DiT;
  vae: V;
  config: DiTConfig;
  /** The DiT's model.json metadata and its manifest.json ({} when absent). */
  meta: Record<string, unknown>;
  ship: Record<string, unknown>;
  scaleFactor: S;
  numTimesteps: number;
  schedule: ScheduleName;
  fromCache: boolean;
}

/**
 * Fetches a DiT folder and the VAE folder it names (the DiT's metadata, then its manifest.json's
 * data.latents (or latents), then DEFAULT_VAE; the scale factor likewise, then the VAE's own),
 * verifies both under one progress bar, builds the DiT and, through `vae`, what the caller needs of
 * the VAE. Shards are cached only once both are built; a DiT that does not fit its weights drops its
 * cached shards, a VAE that cannot be built drops its own.
 */
export async function loadDiTWithVae<V, S>(model: string, baseUrl: string, env: FetchEnv, onProgress: OnProgress, vae: VaeBuilder<V, S>): Promise<DiTWithVae<V, S>> {
  const folder = joinUrl(baseUrl, model);
  const manifest = await fetchManifest(folder, env);
  let config: DiTConfig;
  try {
    config = configFromManifest(manifest);
  } catch (e) {
    throw new RuntimeError('weights', `${folder}/model.json: ${(e as Error).message}`);
  }
  const meta = manifest.userDefinedMetadata ?? {};
  const ship = (await optionalJson(joinUrl(folder, 'manifest.json'), env)) ?? {};
  const latents = ((ship.data as Record<string, unknown> | undefined)?.latents ?? ship.latents ?? {}) as Record<string, unknown>;
  const vaePath = typeof meta.vae === 'string' ? meta.vae : typeof latents.vae === 'string' ? latents.vae : DEFAULT_VAE;
  const vaeFolder = joinUrl(baseUrl, sitePath(vaePath));
  const vaeManifest = await fetchManifest(vaeFolder, env);

  // One progress bar over both folders; the DiT's shards first, so damaged DiT weights report first.
  const ditBytes = folderBytes(manifest);
  const all = ditBytes + folderBytes(vaeManifest);
  const dit = await fetchFolder(folder, env, (n, _t, f) => onProgress(Math.min(n, ditBytes), all, f), manifest);
  const scaleFactor = vae.accept(vaeFolder, vaeManifest, positive(meta.scaleFactor, latents.scaleFactor) ?? (await vaeScaleFactor(vaeFolder, vaeManifest, env)));
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
  return {
    net,
    vae: built,
    config,
    meta,
    ship,
    scaleFactor,
    numTimesteps: typeof meta.numTimesteps === 'number' ? meta.numTimesteps : DEFAULT_NUM_TIMESTEPS,
    schedule: (typeof meta.schedule === 'string' ? meta.schedule : 'linear') as ScheduleName,
    fromCache: dit.fromCache && vaeFiles.fromCache,
  };
}

/** Loads a DiT folder and the VAE folder it names, verifies both, and builds what a SamplingRun needs. */
export async function loadDiTModel(model: string, baseUrl: string, env: LoaderEnv, onProgress: OnProgress): Promise<LoadedModel> {
  const { net, vae: decoder, config, meta, ship, numTimesteps, schedule, fromCache } = await loadDiTWithVae(model, baseUrl, env, onProgress, {
    accept: (_folder, _manifest, scaleFactor) => scaleFactor,
    build: (vaeFolder, vaeManifest, shards, scaleFactor): LatentDecoder => {
      try {
        return env.makeDecoder(vaeManifest, shards, scaleFactor);
      } catch (e) {
        throw new RuntimeError('weights', `the decoder in ${vaeFolder} could not be built: ${(e as Error).message}`);
      }
    },
  });
  const sampler: SamplerModel = {
    // infer: the forward pass without gradients, on cached transposed weights (lib/dit/model.ts).
    forward: (x, t, y) => net.infer(x, t, y),
    decode: (z) => decoder.decode(z),
    betas: betaSchedule(schedule, numTimesteps),
    latentSize: config.inputSize,
    latentChannels: config.inChannels,
    numClasses: config.numClasses,
    learnSigma: config.learnSigma,
  };
  const parameters = Object.values(net.stateDict()).reduce((a, v) => a + v.size, 0);
  return {
    sampler,
    info: {
      preset: typeof meta.preset === 'string' ? meta.preset : typeof ship.preset === 'string' ? ship.preset : presetName(config),
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
