/**
 * The sampling chunk cache (lib/sample/cache.ts) through lib/sample/node.ts sampleImages and
 * sampleImagesByName: cached runs give the same images as fresh ones, an interrupted run resumes
 * from its finished chunks, bad files are drawn again, and other weights or specs never hit.
 * A tiny DiT (8x8x4 latents, one block) and a narrow VAE, 3 chunks of CHUNK, 2 DDIM steps: seconds.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { DiT } from '@/lib/dit/model';
import { saveDiT } from '@/lib/dit/weights';
import type { DiTConfig } from '@/lib/dit/config';
import { TinyVAE } from '@/lib/vae/model';
import { VAE_V1 } from '@/lib/vae/config';
import { writeWeightsDir } from '@/lib/weights/node';
import { CHUNK, balancedLabels, sampleImages, sampleImagesByName, type SampleSpec } from '@/lib/sample/node';
import { SampleCache, sampleCacheDir, weightsHash } from '@/lib/sample/cache';
import type { LoadedVAE } from '@/lib/train/dit-latents';

const config: DiTConfig = {
  inputSize: 8,
  inChannels: 4,
  patchSize: 4,
  hiddenSize: 16,
  depth: 1,
  numHeads: 2,
  mlpRatio: 2,
  numClasses: 10,
  learnSigma: true,
  classDropoutProb: 0.1,
  conditioning: 'adaLN-Zero',
};
const vaeConfig = { ...VAE_V1, channels: [4, 8, 8] as [number, number, number] };
/** 3 chunks, the last short. */
const N = 2 * CHUNK + 10;
const spec: SampleSpec = { labels: balancedLabels(N), steps: 2, sampler: 'ddim', cfgScale: 4, seed: 3, eta: 0 };

/** A DiT with seeded random weights everywhere (a fresh adaLN-Zero DiT outputs zeros whatever its other weights). */
function tinyDiT(seed: number): DiT {
  const m = new DiT(config, seed);
  Object.values(m.stateDict()).forEach((v, i) => {
    const r = tf.randomNormal(v.shape, 0, 0.3, 'float32', seed * 1000 + i);
    v.assign(r);
    r.dispose();
  });
  return m;
}

let root: string;
let model: DiT;
let vae: LoadedVAE;
let fresh: Float32Array;

beforeAll(async () => {
  await setNodeBackend('wasm');
  root = mkdtempSync(join(tmpdir(), 'sample-cache-'));
  model = tinyDiT(1);
  vae = { vae: new TinyVAE(vaeConfig, 2), scaleFactor: 0.5, dir: 'test-vae', hash: 'test-vae-hash' };
  fresh = await sampleImages(model, vae, spec);
});

afterAll(() => {
  model?.dispose();
  vae?.vae.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Counts the model's calls on a chunk's batch (CFG doubles it), not the 2-sample probe's. */
function chunkCalls(m: DiT): { count: () => number; restore: () => void } {
  const spy = vi.spyOn(m, 'infer');
  return {
    count: () => spy.mock.calls.filter(([x]) => x.shape[0] > 4).length,
    restore: () => spy.mockRestore(),
  };
}

function cacheFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.f32')) : [];
}

/** The tiny model and VAE as folders, for sampleImagesByName (once per file). */
let folders: { modelDir: string; vaeDir: string } | undefined;
async function writeTinyFolders(): Promise<{ modelDir: string; vaeDir: string }> {
  if (folders) return folders;
  const modelDir = join(root, 'dit-tiny');
  const { manifest, shards } = await saveDiT(model, { quantization: 'none' });
  mkdirSync(modelDir, { recursive: true });
  shards.forEach((s, i) => writeFileSync(join(modelDir, manifest.weightsManifest[0].paths[i]), new Uint8Array(s)));
  writeFileSync(join(modelDir, 'model.json'), JSON.stringify(manifest));
  const vaeDir = join(root, 'vae-tiny');
  await writeWeightsDir(vaeDir, vae.vae.params, { metadata: { config: vaeConfig, scaleFactor: vae.scaleFactor } });
  folders = { modelDir, vaeDir };
  return folders;
}

describe('sampling chunk cache', () => {
  it('lives in checkpoints/sample-cache, or under DIT_CHECKPOINT_ROOT when set (train all --root)', () => {
    const before = process.env.DIT_CHECKPOINT_ROOT;
    try {
      delete process.env.DIT_CHECKPOINT_ROOT;
      expect(sampleCacheDir()).toBe(join('checkpoints', 'sample-cache'));
      process.env.DIT_CHECKPOINT_ROOT = '/tmp/rehearsal/checkpoints';
      expect(sampleCacheDir()).toBe('/tmp/rehearsal/checkpoints/sample-cache');
    } finally {
      if (before === undefined) delete process.env.DIT_CHECKPOINT_ROOT;
      else process.env.DIT_CHECKPOINT_ROOT = before;
    }
  });

  it('a second run reuses every chunk without drawing one and gives the same images; removeUsed empties it', async () => {
    const dir = join(root, 'twice');
    const n0 = tf.memory().numTensors;
    const first = new SampleCache(dir);
    const calls = chunkCalls(model);
    try {
      const a = await sampleImages(model, vae, spec, { cache: first });
      const drawn = calls.count();
      expect(drawn).toBe(3 * spec.steps);
      expect(first.stats).toEqual({ reused: 0, written: 3, rejected: 0, failed: 0 });
      expect(cacheFiles(dir)).toHaveLength(3);
      expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
      const second = new SampleCache(dir);
      const b = await sampleImages(model, vae, spec, { cache: second });
      expect(calls.count()).toBe(drawn);
      expect(second.stats).toEqual({ reused: 3, written: 0, rejected: 0, failed: 0 });
      expect(a).toEqual(fresh);
      expect(b).toEqual(fresh);
      expect(second.removeUsed()).toBe(3);
      expect(cacheFiles(dir)).toHaveLength(0);
    } finally {
      calls.restore();
    }
    expect(tf.memory().numTensors).toBe(n0);
  });

  it('an interrupted run leaves its finished chunks; the rerun draws only the rest and matches an uninterrupted run', async () => {
    const dir = join(root, 'interrupted');
    let done = 0;
    await expect(
      sampleImages(model, vae, spec, {
        cache: new SampleCache(dir),
        onChunk: () => {
          if (++done === 1) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(cacheFiles(dir)).toHaveLength(1);
    const calls = chunkCalls(model);
    try {
      const cache = new SampleCache(dir);
      const images = await sampleImages(model, vae, spec, { cache });
      expect(cache.stats).toEqual({ reused: 1, written: 2, rejected: 0, failed: 0 });
      expect(calls.count()).toBe(2 * spec.steps);
      expect(images).toEqual(fresh);
    } finally {
      calls.restore();
    }
  });

  it("a truncated or corrupted chunk file is drawn again and rewritten; a dead process's .tmp file is removed", async () => {
    const dir = join(root, 'corrupt');
    await sampleImages(model, vae, spec, { cache: new SampleCache(dir) });
    const files = cacheFiles(dir)
      .map((f) => join(dir, f))
      .sort();
    const sizes = files.map((f) => readFileSync(f).byteLength);
    truncateSync(files[0], sizes[0] - 100);
    const b = readFileSync(files[1]);
    b[5000] ^= 0xff;
    writeFileSync(files[1], b);
    const stale = join(dir, 'x.f32.999999999.0.tmp');
    writeFileSync(stale, 'half');
    const cache = new SampleCache(dir);
    expect(existsSync(stale)).toBe(false);
    const images = await sampleImages(model, vae, spec, { cache });
    expect(cache.stats).toEqual({ reused: 1, written: 2, rejected: 2, failed: 0 });
    expect(images).toEqual(fresh);
    expect(files.map((f) => readFileSync(f).byteLength)).toEqual(sizes);
  });

  it('other weights, another VAE or another spec (seed, CFG, labels, steps) never hit the cache', async () => {
    const dir = join(root, 'keys');
    await sampleImages(model, vae, spec, { cache: new SampleCache(dir) });
    const other = tinyDiT(2);
    try {
      expect(weightsHash(other)).not.toBe(weightsHash(model));
      const c = new SampleCache(dir);
      await sampleImages(other, vae, spec, { cache: c, chunkFilter: (k) => k === 0 });
      expect(c.stats.reused).toBe(0);
    } finally {
      other.dispose();
    }
    const variants: SampleSpec[] = [
      { ...spec, seed: spec.seed + 1 },
      { ...spec, cfgScale: 1.5 },
      { ...spec, steps: 3 },
      { ...spec, labels: spec.labels.map((y) => (y + 1) % 10) },
    ];
    for (const v of variants) {
      const c = new SampleCache(dir);
      await sampleImages(model, vae, v, { cache: c, chunkFilter: (k) => k === 0 });
      expect(c.stats).toMatchObject({ reused: 0, written: 1 });
    }
    // The VAE's identity is part of the key.
    const c = new SampleCache(dir);
    await sampleImages(model, { ...vae, hash: 'another-vae' }, spec, { cache: c, chunkFilter: (k) => k === 0 });
    expect(c.stats.reused).toBe(0);
    // So is what this process computes (the probe): other VAE weights under the same hash, as other
    // decoder or DiT code would, change it.
    const otherVae = new TinyVAE(vaeConfig, 3);
    try {
      const d = new SampleCache(dir);
      await sampleImages(model, { ...vae, vae: otherVae }, spec, { cache: d, chunkFilter: (k) => k === 0 });
      expect(d.stats.reused).toBe(0);
      const e = new SampleCache(dir);
      await sampleImages(model, vae, spec, { cache: e, chunkFilter: (k) => k === 0 });
      expect(e.stats.reused).toBe(1);
    } finally {
      otherVae.dispose();
    }
  });

  it('two threads by name: the worker reads and writes the same cache, the rerun reuses all chunks, same images', async () => {
    const { modelDir, vaeDir } = await writeTinyFolders();
    const dir = join(root, 'threads');
    const first = new SampleCache(dir);
    const a = await sampleImagesByName(modelDir, vaeDir, spec, 2, undefined, first);
    expect(first.usedFiles()).toHaveLength(3);
    expect(cacheFiles(dir)).toHaveLength(3);
    const lines: string[] = [];
    const second = new SampleCache(dir);
    const b = await sampleImagesByName(modelDir, vaeDir, spec, 2, (s) => lines.push(s), second);
    expect(lines.filter((l) => l.includes('cached chunks'))).toEqual([`  ${modelDir}: reused 3/3 cached chunks`]);
    expect(a).toEqual(fresh);
    expect(b).toEqual(fresh);
    // One thread finds the chunk the worker wrote: both threads' probes, so their keys, agree.
    const third = new SampleCache(dir);
    expect(await sampleImagesByName(modelDir, vaeDir, spec, 1, undefined, third)).toEqual(fresh);
    expect(third.stats).toEqual({ reused: 3, written: 0, rejected: 0, failed: 0 });
    expect(second.removeUsed()).toBe(3);
    expect(cacheFiles(dir)).toHaveLength(0);
  }, 300_000); // two threads starting tsx and wasm: over a minute when training shares the CPU

  it('a full disk or an unwritable or unreadable folder only costs the caching: sampling succeeds with the same images', async () => {
    const n0 = tf.memory().numTensors;
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a folder');
    // The cache folder cannot be made (ENOTDIR): every chunk is drawn, none written, the images are whole.
    const under = new SampleCache(join(blocker, 'sample-cache'));
    expect(await sampleImages(model, vae, spec, { cache: under })).toEqual(fresh);
    expect(under.stats).toMatchObject({ reused: 0, written: 0, rejected: 0, failed: 3 });
    expect(under.stats.error).toMatch(/ENOTDIR/);
    expect(under.usedFiles()).toEqual([]);
    // The cache folder is a file: listing it for stale temporaries fails, the constructor does not.
    const itself = new SampleCache(blocker);
    expect(await sampleImages(model, vae, spec, { cache: itself, chunkFilter: (k) => k === 2 })).toEqual(
      Float32Array.from(fresh, (v, i) => (i >= 2 * CHUNK * 1024 ? v : 0)),
    );
    expect(itself.stats.failed).toBe(1);
    // A full disk (ENOSPC): the temporary file is /dev/full. write says no, leaves neither the
    // temporary nor the chunk file, and sampling through it still succeeds.
    const dir = join(root, 'full');
    mkdirSync(dir, { recursive: true });
    const full = new SampleCache(dir);
    const key = 'ab'.repeat(32);
    const tmp = `${full.file(key)}.${process.pid}.${threadId}.tmp`;
    symlinkSync('/dev/full', tmp);
    expect(full.write(key, new Float32Array(300).fill(0.5))).toBe(false);
    expect(full.stats.error).toMatch(/ENOSPC/);
    expect(() => lstatSync(tmp)).toThrow(/ENOENT/);
    expect(existsSync(full.file(key))).toBe(false);
    // removeUsed after a finished run never throws: a path it cannot delete (here a folder) stays.
    const stuck = join(dir, 'stuck.f32');
    mkdirSync(join(stuck, 'inside'), { recursive: true });
    full.note([stuck]);
    expect(full.removeUsed()).toBe(0);
    expect(existsSync(stuck)).toBe(true);
    // By name, the log says the chunks were not cached and why.
    const { modelDir, vaeDir } = await writeTinyFolders();
    const lines: string[] = [];
    const images = await sampleImagesByName(modelDir, vaeDir, spec, 1, (s) => lines.push(s), new SampleCache(join(blocker, 'sample-cache')));
    expect(images).toEqual(fresh);
    expect(lines.filter((l) => l.includes('could not write'))).toEqual([
      expect.stringMatching(new RegExp(`^  ${modelDir}: could not write 3/3 chunks to the cache ${blocker}/sample-cache \\(ENOTDIR`)),
    ]);
    expect(tf.memory().numTensors).toBe(n0);
  }, 300_000);
});
