/**
 * The sampling road in Node: DiTs by name (a shipped folder or `checkpoint:RECIPE[:raw|:ema]`), the
 * sampling of many digits in chunks of CHUNK on one or two threads through the chunk cache
 * (cache.ts, thread.ts), and the PNG and JSON files the command line, shipping and `eval` write.
 * Sample i of N has the seed seed * N + i (run.ts batchSeeds); a sample's picture does not depend on
 * its chunk or thread.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PNG } from 'pngjs';
import { tf } from '../tf';
import type { DiT } from '../dit/model';
import { loadDiT } from '../dit/weights';
import { batchSeeds, ditSamplerModel, randomLabel, samplePictures, type SamplerModel, type SamplerName } from './run';
import { betaSchedule, DEFAULT_NUM_TIMESTEPS } from '../diffusion/schedules';
import { ditFolderFacts, folderBetas, localPath, repoPath, type DiTFolderFacts } from './folder';
import { readFolderFiles } from '../weights/node';
import type { LoadedVAE } from '../train/dit-latents';
import { hashKey, SAMPLE_CACHE_FORMAT, weightsHash, type SampleCache, type SampleCacheStats } from './cache';
import { decodeLatents } from '../vae/latents';

/** Samples per sampling run (with CFG the network sees twice as many). */
export const CHUNK = 125;
const SIDE = 32;

export interface SampleSpec {
  labels: Int32Array;
  steps: number;
  sampler: SamplerName;
  cfgScale: number;
  seed: number;
  /** DDIM eta (0: deterministic). */
  eta?: number;
}

/**
 * A shipped DiT folder (public/models/NAME, or a path) or `checkpoint:RECIPE[:raw|:ema]`. Caller
 * disposes. A folder comes with its facts (lib/sample/folder.ts: VAE, scale factor, schedule); a
 * checkpoint samples with the shipped VAE and DiT's schedule.
 */
export async function loadDiTByName(name: string): Promise<{ model: DiT; source: string; facts: DiTFolderFacts | null }> {
  if (name.startsWith('checkpoint:')) {
    const [, recipe, which = 'ema'] = name.split(':');
    if (which !== 'raw' && which !== 'ema') throw new Error(`checkpoint weights are 'raw' or 'ema' (got '${which}')`);
    const { getDiTRecipe } = await import('../train/dit-recipes');
    const { loadCheckpointModels } = await import('../train/dit-run');
    const m = loadCheckpointModels(getDiTRecipe(recipe));
    (which === 'raw' ? m.ema : m.raw).dispose();
    return { model: which === 'raw' ? m.raw : m.ema, source: `checkpoint ${recipe} (${which}, step ${m.meta.step})`, facts: null };
  }
  const dir = name.includes('/') ? name : join(repoPath('models'), name);
  if (!existsSync(join(dir, 'model.json'))) throw new Error(`no model '${name}' (looked for ${join(dir, 'model.json')})`);
  const { manifest, shards } = readFolderFiles(dir);
  const ship = join(dir, 'manifest.json');
  const facts = ditFolderFacts(manifest, existsSync(ship) ? (JSON.parse(readFileSync(ship, 'utf8')) as Record<string, unknown>) : null);
  return { model: loadDiT(manifest, shards, facts.config), source: dir, facts };
}

/** A DiT by name with the VAE it samples with: vaeDir when given, else the folder's (lib/sample/folder.ts). Caller disposes both. */
export async function loadForSampling(name: string, vaeDir?: string): Promise<{ model: DiT; vae: LoadedVAE; betas: Float64Array }> {
  const { loadShippedVAE } = await import('../train/dit-latents');
  const { model, facts } = await loadDiTByName(name);
  try {
    const vae = loadShippedVAE(vaeDir ?? (facts ? localPath(facts.vaeRecorded) : undefined));
    return {
      model,
      vae: { ...vae, scaleFactor: facts?.scaleFactor ?? vae.scaleFactor },
      betas: facts ? folderBetas(facts) : betaSchedule('linear', DEFAULT_NUM_TIMESTEPS),
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export interface SampleOptions {
  /** The DiT's training betas (its folder's schedule, lib/sample/folder.ts); default DiT's linear over 1,000. */
  betas?: Float64Array;
  /** Progress: samples done so far (cached chunks count as done). */
  onChunk?: (done: number) => void;
  /** Which chunks this call draws (the others stay zero): the two-thread split. */
  chunkFilter?: (k: number) => boolean;
  /**
   * Finished chunks are taken from this cache when a valid copy is there and written to it when
   * drawn (lib/sample/cache.ts), so an interrupted run resumes; the images are the same.
   */
  cache?: SampleCache;
}

/** A DiT and VAE as the sampling road's model: DiT-space latents in, pictures in [-1, 1] out. */
export function nodeSamplerModel(model: DiT, vae: LoadedVAE, betas = betaSchedule('linear', DEFAULT_NUM_TIMESTEPS)): SamplerModel {
  return ditSamplerModel(model, (z) => decodeLatents(vae.vae, z, vae.scaleFactor) as tf.Tensor4D, betas);
}

/** Decoded images (m x 1,024 values in [0, 1]) of one sampling run over `labels` with per-sample `seeds`. */
async function drawChunk(
  model: DiT,
  vae: LoadedVAE,
  betas: Float64Array | undefined,
  spec: Omit<SampleSpec, 'labels' | 'seed'>,
  labels: Int32Array,
  seeds: number[],
): Promise<Float32Array> {
  const res = await samplePictures(nodeSamplerModel(model, vae, betas), {
    labels,
    seeds,
    sampler: spec.sampler,
    steps: spec.steps,
    eta: spec.eta ?? 0,
    guidanceScale: spec.cfgScale,
    cfgChannels: 'all',
  });
  if (!res) throw new Error('sampling was cancelled');
  return res.images.map((v) => (v + 1) / 2);
}

/**
 * A fingerprint of what this process computes: two samples (a class and the null class) in 2 steps
 * of the spec's sampler, through the model and the VAE, hashed bit for bit. The weights hash alone
 * would let chunks drawn by other code (a changed attention kernel, another backend) pass as this
 * code's; the probe differs then, so they are drawn again. It costs 2 steps on 2 samples.
 */
async function samplingProbe(model: DiT, vae: LoadedVAE, betas: Float64Array | undefined, spec: SampleSpec): Promise<string> {
  const labels = Int32Array.from([0, model.config.numClasses]);
  const img = await drawChunk(model, vae, betas, { ...spec, steps: 2 }, labels, [0x5eed, 0x5eed + 1]);
  return createHash('sha256')
    .update(new Uint8Array(img.buffer, img.byteOffset, img.byteLength))
    .digest('hex');
}

/** Everything but the chunk that determines a chunk's images (sample-cache.ts keys files by it). */
async function chunkKeyBase(model: DiT, vae: LoadedVAE, betas: Float64Array | undefined, spec: SampleSpec): Promise<Record<string, unknown>> {
  return {
    format: SAMPLE_CACHE_FORMAT,
    weights: weightsHash(model),
    config: model.config,
    vae: vae.hash,
    scaleFactor: vae.scaleFactor,
    probe: await samplingProbe(model, vae, betas, spec),
    steps: spec.steps,
    sampler: spec.sampler,
    cfgScale: spec.cfgScale,
    eta: spec.eta ?? 0,
    seed: spec.seed,
    chunkSize: CHUNK,
  };
}

/**
 * Samples latents on the sampling road and decodes them: N images of 1,024 values in [0, 1], sample i
 * seeded spec.seed * N + i, in chunks of CHUNK (chunks are independent: any subset can be drawn on
 * another thread or taken from the cache).
 */
export async function sampleImages(model: DiT, vae: LoadedVAE, spec: SampleSpec, opts: SampleOptions = {}): Promise<Float32Array> {
  const { onChunk, chunkFilter = () => true, cache, betas } = opts;
  const n = spec.labels.length;
  const out = new Float32Array(n * SIDE * SIDE);
  const seeds = batchSeeds(spec.seed, n);
  let base: Record<string, unknown> | undefined;
  for (let s = 0, k = 0; s < n; s += CHUNK, k++) {
    if (!chunkFilter(k)) continue;
    const labels = spec.labels.subarray(s, Math.min(n, s + CHUNK));
    const m = labels.length;
    let key: string | undefined;
    if (cache) {
      base ??= await chunkKeyBase(model, vae, betas, spec);
      key = hashKey({ ...base, chunk: k, labels: Array.from(labels) });
    }
    let img = cache && key ? cache.read(key, m * SIDE * SIDE) : null;
    if (!img) {
      img = await drawChunk(model, vae, betas, spec, labels, seeds.slice(s, s + m));
      if (cache && key) cache.write(key, img);
    }
    out.set(img, s * SIDE * SIDE);
    onChunk?.(s + m);
  }
  return out;
}

/** Chunks of n samples. */
function chunkCount(n: number): number {
  return Math.ceil(n / CHUNK);
}

type WorkerDone = { kind: 'done'; images: Float32Array; cache?: { used: string[]; stats: SampleCacheStats } };

/**
 * A worker thread that loads `name` and samples the chunks `which` selects ('odd' or 'all'), with
 * a cache in `cacheDir` if given (it reports the files it used and its counts with the images).
 */
function startSampleWorker(
  name: string,
  vaeDir: string | undefined,
  spec: SampleSpec,
  which: 'odd' | 'all',
  cacheDir?: string,
): { result: Promise<WorkerDone>; stop: () => Promise<number> } {
  const worker = new Worker(new URL('../tsx-worker-shim.mjs', import.meta.url), {
    workerData: {
      entry: new URL('./thread.ts', import.meta.url).href,
      job: { name, vaeDir, which, cacheDir, spec: { ...spec, labels: Array.from(spec.labels) } },
    },
  });
  const result = new Promise<WorkerDone>((resolve, reject) => {
    worker.on('message', (m: { kind: string; images?: Float32Array; message?: string; cache?: WorkerDone['cache'] }) => {
      if (m.kind === 'done' && m.images) resolve({ kind: 'done', images: m.images, cache: m.cache });
      if (m.kind === 'error') reject(new Error(`sampling worker: ${m.message}`));
    });
    worker.once('error', reject);
  });
  return { result, stop: () => worker.terminate() };
}

/** What a run did with the cache: chunks reused, chunks it could not write and why. */
type CacheCounts = Pick<SampleCacheStats, 'reused' | 'failed' | 'error'>;

function countsOf(stats: SampleCacheStats | undefined): CacheCounts {
  return { reused: stats?.reused ?? 0, failed: stats?.failed ?? 0, error: stats?.error };
}

/** Takes a worker's cache report into this thread's cache (the files it used); returns its counts. */
function noteWorkerCache(cache: SampleCache | undefined, done: WorkerDone): CacheCounts {
  if (cache && done.cache) cache.note(done.cache.used);
  return countsOf(done.cache?.stats);
}

/** This thread's counts since `before`, plus `more` (a worker's). */
function countsSince(cache: SampleCache | undefined, before: CacheCounts, more?: CacheCounts): CacheCounts {
  const now = countsOf(cache?.stats);
  const failed = now.failed - before.failed;
  return {
    reused: now.reused - before.reused + (more?.reused ?? 0),
    failed: failed + (more?.failed ?? 0),
    error: (failed > 0 ? now.error : undefined) ?? more?.error,
  };
}

function logCache(log: ((s: string) => void) | undefined, name: string, c: CacheCounts, chunks: number, dir?: string): void {
  if (c.reused > 0) log?.(`  ${name}: reused ${c.reused}/${chunks} cached chunks`);
  if (c.failed > 0)
    log?.(
      `  ${name}: could not write ${c.failed}/${chunks} chunks to the cache ${dir} (${c.error}); the samples are complete, an interrupted rerun draws those chunks again`,
    );
}

/**
 * Two models sampled at once with the same spec, one on this thread and one on a worker thread
 * (e.g. the raw and the EMA weights of a checkpoint), both through `cache` if given.
 */
export async function sampleTwoByName(
  nameA: string,
  nameB: string,
  vaeDir: string | undefined,
  spec: SampleSpec,
  log?: (s: string) => void,
  cache?: SampleCache,
): Promise<[Float32Array, Float32Array]> {
  const w = startSampleWorker(nameB, vaeDir, spec, 'all', cache?.dir);
  try {
    const a = await sampleImagesByName(nameA, vaeDir, spec, 1, log, cache);
    const b = await w.result;
    logCache(log, nameB, noteWorkerCache(cache, b), chunkCount(spec.labels.length), cache?.dir);
    return [a, b.images];
  } finally {
    await w.stop();
  }
}

/**
 * sampleImages for a model given by name (loadDiTByName), on one or two threads: with two, a worker
 * thread loads the same model and VAE and draws the odd chunks while this thread draws the even ones.
 * Chunks are independent (seed + chunk index), so the result is the same either way. With `cache`,
 * both threads take finished chunks from it and add the ones they draw (an interrupted run resumes).
 */
export async function sampleImagesByName(
  name: string,
  vaeDir: string | undefined,
  spec: SampleSpec,
  threads: 1 | 2 = 1,
  log?: (s: string) => void,
  cache?: SampleCache,
): Promise<Float32Array> {
  const { model, vae, betas } = await loadForSampling(name, vaeDir);
  const n = spec.labels.length;
  const t0 = Date.now();
  const progress = (done: number) => log?.(`  ${name}: ${done}/${n} samples (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  const before = countsOf(cache?.stats);
  try {
    if (threads === 1 || n <= CHUNK) {
      const images = await sampleImages(model, vae, spec, { onChunk: progress, cache, betas });
      logCache(log, name, countsSince(cache, before), chunkCount(n), cache?.dir);
      return images;
    }
    const w = startSampleWorker(name, vaeDir, spec, 'odd', cache?.dir);
    try {
      const mine = await sampleImages(model, vae, spec, { onChunk: progress, chunkFilter: (k) => k % 2 === 0, cache, betas });
      const done = await w.result;
      const other = done.images;
      for (let s = CHUNK, k = 1; s < n; s += 2 * CHUNK, k += 2)
        mine.set(other.subarray(s * SIDE * SIDE, Math.min(n, s + CHUNK) * SIDE * SIDE), s * SIDE * SIDE);
      logCache(log, name, countsSince(cache, before, noteWorkerCache(cache, done)), chunkCount(n), cache?.dir);
      return mine;
    } finally {
      await w.stop();
    }
  } finally {
    model.dispose();
    vae.vae.dispose();
  }
}

/** Labels: all Y, or for 'random' each sample's class drawn from its seed, as the widget's 'random' does. */
export function makeLabels(n: number, cls: number | 'random', seed: number, numClasses = 10): Int32Array {
  if (cls === 'random') return Int32Array.from(batchSeeds(seed, n), (s) => randomLabel(s, numClasses));
  return new Int32Array(n).fill(cls);
}

/** Balanced labels 0..9 cycling: n/10 of each class (evaluation). */
export function balancedLabels(n: number, numClasses = 10): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i % numClasses);
}

/** A PNG grid of 32x32 digits, `cols` per row, 2-pixel gaps, each digit scaled up `zoom` times. */
export function gridPng(images: Float32Array, cols: number, zoom = 2): Buffer {
  const n = images.length / (SIDE * SIDE);
  const rows = Math.ceil(n / cols);
  const cell = SIDE * zoom + 2;
  const png = new PNG({ width: cols * cell + 2, height: rows * cell + 2 });
  png.data.fill(255);
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = 60;
    png.data[i + 1] = 60;
    png.data[i + 2] = 70;
  }
  for (let k = 0; k < n; k++) {
    const ox = 2 + (k % cols) * cell;
    const oy = 2 + Math.floor(k / cols) * cell;
    for (let y = 0; y < SIDE * zoom; y++) {
      for (let x = 0; x < SIDE * zoom; x++) {
        const v = Math.round(255 * images[k * SIDE * SIDE + Math.floor(y / zoom) * SIDE + Math.floor(x / zoom)]);
        const p = ((oy + y) * png.width + ox + x) * 4;
        png.data[p] = png.data[p + 1] = png.data[p + 2] = v;
        png.data[p + 3] = 255;
      }
    }
  }
  return PNG.sync.write(png);
}

export function writeSamples(file: string, labels: Int32Array, images: Float32Array, cols?: number): void {
  mkdirSync(dirname(file) || '.', { recursive: true });
  if (file.endsWith('.json')) {
    const per = SIDE * SIDE;
    const imgs = Array.from(labels, (_, k) => Array.from(images.subarray(k * per, (k + 1) * per), (v) => Math.round(v * 1e4) / 1e4));
    writeFileSync(file, JSON.stringify({ labels: Array.from(labels), images: imgs }));
  } else if (file.endsWith('.png')) {
    writeFileSync(file, gridPng(images, cols ?? Math.min(labels.length, 10)));
  } else throw new Error(`--out must end in .png or .json (got ${file})`);
}
