import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { DiT } from '@/lib/dit/model';
import { saveDiT } from '@/lib/dit/weights';
import { saveWeights } from '@/lib/weights';
import { loadDiTModel, type LoaderEnv } from '@/lib/load/model-loader';
import type { CacheLike } from '@/lib/load/fetch-cached';
import { RuntimeError } from '@/lib/load/loaded';
import { blockDecoder, tinyConfig } from '../runtime/helpers';

beforeAll(async () => {
  await setNodeBackend('wasm');
});

type Files = Map<string, Uint8Array | string>;

async function makeSite(opts: { shardBytes?: number } = {}): Promise<Files> {
  const files: Files = new Map();
  const dit = new DiT(tinyConfig(), 3);
  const { manifest, shards } = await saveDiT(dit, { shardBytes: opts.shardBytes ?? 40_000, metadata: { vae: 'models/vae-t1', preset: 'tiny' } });
  dit.dispose();
  files.set('/models/dit-t1/model.json', JSON.stringify(manifest));
  manifest.weightsManifest[0].paths.forEach((p, i) => files.set(`/models/dit-t1/${p}`, new Uint8Array(shards[i])));
  const w = tf.ones([4]);
  const vae = await saveWeights({ 'decoder.scale': w }, { metadata: { kind: 'VAE' } });
  w.dispose();
  files.set('/models/vae-t1/model.json', JSON.stringify(vae.manifest));
  files.set(`/models/vae-t1/${vae.manifest.weightsManifest[0].paths[0]}`, new Uint8Array(vae.shards[0]));
  return files;
}

function env(files: Files) {
  const fetched: string[] = [];
  const store = new Map<string, Uint8Array>();
  const cache: CacheLike = {
    match: async (u) => (store.has(u) ? new Response(store.get(u)!.slice()) : undefined),
    put: async (u, r) => void store.set(u, new Uint8Array(await r.arrayBuffer())),
    delete: async (u) => store.delete(u),
  };
  const e: LoaderEnv = {
    fetch: async (url: string) => {
      const path = new URL(url).pathname;
      fetched.push(path);
      const body = files.get(path);
      if (body === undefined) return new Response('not found', { status: 404 });
      return new Response(typeof body === 'string' ? body : body.slice(), {
        headers: { 'content-length': String(typeof body === 'string' ? body.length : body.length) },
      });
    },
    cache,
    makeDecoder: (manifest, shards) => {
      expect(manifest.userDefinedMetadata?.kind).toBe('VAE');
      expect(shards.length).toBe(1);
      return { decode: blockDecoder, imageSize: 32, dispose: () => undefined };
    },
  };
  return { e, fetched, store };
}

const BASE = 'http://site.test/';

describe('model loading', () => {
  it('loads a DiT and its VAE with monotone progress, caches the shards, and loads from the cache next time', async () => {
    const files = await makeSite();
    const { e, fetched, store } = env(files);
    const progress: [number, number][] = [];
    const before = tf.memory().numTensors;
    const m = await loadDiTModel('models/dit-t1', BASE, e, (l, t) => progress.push([l, t]));
    expect(m.info.preset).toBe('tiny');
    expect(m.info.fromCache).toBe(false);
    expect(m.info.parameters).toBeGreaterThan(1000);
    const total = progress[0][1];
    expect(progress.every(([, t]) => t === total)).toBe(true);
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
    expect(progress.at(-1)![0]).toBe(total);
    const shardCount = [...files.keys()].filter((k) => k.endsWith('.bin')).length;
    expect(shardCount).toBeGreaterThan(2);
    expect(store.size).toBe(shardCount);
    // The network runs.
    const out = tf.tidy(() => m.sampler.forward(tf.zeros([1, 8, 8, 4]) as tf.Tensor4D, tf.tensor1d([5], 'int32'), tf.tensor1d([3], 'int32')));
    expect(out.shape).toEqual([1, 8, 8, 8]);
    out.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);

    fetched.length = 0;
    const again = await loadDiTModel('models/dit-t1', BASE, e, () => undefined);
    expect(again.info.fromCache).toBe(true);
    expect(fetched.filter((p) => p.endsWith('.bin'))).toEqual([]); // only the small JSON files are refetched
    again.dispose();

    // Re-shipped under the same name with other weights: the cached shards are not used.
    const other = await makeSite();
    const m2 = JSON.parse(other.get('/models/dit-t1/model.json') as string);
    m2.userDefinedMetadata.preset = 'tiny, retrained';
    files.set('/models/dit-t1/model.json', JSON.stringify(m2));
    fetched.length = 0;
    const third = await loadDiTModel('models/dit-t1', BASE, e, () => undefined);
    expect(third.info.fromCache).toBe(false);
    expect(fetched.filter((p) => p.includes('dit-t1') && p.endsWith('.bin')).length).toBe(shardCount - 1);
    third.dispose();
  });

  it('a missing folder is a weights error that says the files are not on the server', async () => {
    const { e } = env(await makeSite());
    const err = await loadDiTModel('models/nothing-v1', BASE, e, () => undefined).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).kind).toBe('weights');
    expect((err as Error).message).toMatch(/404.*not on this server/);
  });

  it('a truncated shard is reported as damaged and never cached', async () => {
    const files = await makeSite();
    const key = [...files.keys()].find((k) => k.includes('dit-t1') && k.endsWith('.bin'))!;
    files.set(key, (files.get(key) as Uint8Array).slice(0, 1000));
    const { e, store } = env(files);
    const err = await loadDiTModel('models/dit-t1', BASE, e, () => undefined).catch((x: unknown) => x);
    expect((err as RuntimeError).kind).toBe('weights');
    expect((err as Error).message).toMatch(/could not be downloaded|damaged/);
    expect((err as Error).message).toMatch(/bytes/);
    expect(store.size).toBe(0);
  });

  it('a NaN in the weights is reported with the tensor name', async () => {
    const files = await makeSite({ shardBytes: 1 << 22 });
    const key = [...files.keys()].find((k) => k.includes('dit-t1') && k.endsWith('.bin'))!;
    const bytes = (files.get(key) as Uint8Array).slice();
    new DataView(bytes.buffer).setFloat32(0, NaN, true);
    files.set(key, bytes);
    const { e, store } = env(files);
    const err = await loadDiTModel('models/dit-t1', BASE, e, () => undefined).catch((x: unknown) => x);
    expect((err as Error).message).toMatch(/damaged: 'x_embedder\.proj\.weight' holds NaN/);
    expect(store.size).toBe(0);
  });

  it('weights of another shape name the mismatch', async () => {
    const files = await makeSite();
    const m = JSON.parse(files.get('/models/dit-t1/model.json') as string);
    m.userDefinedMetadata.config.hiddenSize = 128;
    m.userDefinedMetadata.config.numHeads = 4;
    files.set('/models/dit-t1/model.json', JSON.stringify(m));
    const { e } = env(files);
    const err = await loadDiTModel('models/dit-t1', BASE, e, () => undefined).catch((x: unknown) => x);
    expect((err as RuntimeError).kind).toBe('weights');
    expect((err as Error).message).toMatch(/do not fit the network.*shape/);
  });
});
