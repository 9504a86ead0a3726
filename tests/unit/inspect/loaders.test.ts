import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { TinyVAE } from '@/lib/vae/model';
import { VAE_V1 } from '@/lib/vae/config';
import { DiT } from '@/lib/dit/model';
import { betaSchedule } from '@/lib/diffusion/schedules';
import { encoderFromVae, inspectorFromParts, loadInspector } from '@/lib/inspect/loaders';
import { saveDiT } from '@/lib/dit/weights';
import { saveWeights } from '@/lib/weights';
import { ModelRuntime, type RuntimeEnv } from '@/lib/runtime/model-runtime';
import { transferables, type WorkerResponse } from '@/lib/worker/protocol';
import { tinyConfig, tinyLoadedModel } from '../runtime/helpers';

beforeAll(async () => {
  await setNodeBackend('wasm');
});

const digit = Float32Array.from({ length: 32 * 32 }, (_, k) => (Math.abs((k % 32) - 16) < 4 && Math.floor(k / 32) > 6 && Math.floor(k / 32) < 26 ? 1 : -1));

function parts() {
  const net = new DiT(tinyConfig(), 2);
  tf.tidy(() => {
    const sd = net.stateDict();
    for (const name of Object.keys(sd))
      if (name.includes('adaLN_modulation')) sd[name].assign(tf.randomNormal(sd[name].shape, 0, 0.05, 'float32', name.length));
  });
  return { net, vae: new TinyVAE(VAE_V1, 1), scaleFactor: 0.8, betas: betaSchedule('linear', 1000) };
}

describe('inspect: encode and attention in the worker', () => {
  it('vae-scale: encode returns the scaled posterior mean, (N, 8, 8, 4), and leaves no tensor behind', async () => {
    const vae = new TinyVAE(VAE_V1, 1);
    const enc = encoderFromVae(vae, 0.5);
    const before = tf.memory().numTensors;
    const two = new Float32Array(2 * 1024);
    two.set(digit, 0);
    two.fill(-1, 1024);
    const out = await enc.encode(two, 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(out.latents.length).toBe(2 * 8 * 8 * 4);
    expect([out.latentSize, out.latentChannels, out.scaleFactor]).toEqual([8, 4, 0.5]);
    const mean = tf.tidy(() => tf.mul(vae.encode(tf.tensor4d(digit, [1, 32, 32, 1])).mean, 0.5));
    expect(Array.from(out.latents.slice(0, 256))).toEqual(Array.from(await mean.data()));
    mean.dispose();
    await expect(enc.encode(new Float32Array(100), 1)).rejects.toThrow(/expected 1 pictures/);
    enc.dispose();
  });

  it('attention: shapes (L, H, T, T), rows sum to one, deterministic per seed, no tensor left behind', async () => {
    const p = parts();
    const insp = inspectorFromParts(p);
    const before = tf.memory().numTensors;
    const r = await insp.attention({ pixels: digit, label: 3, t: 500, seed: 7 });
    expect(tf.memory().numTensors).toBe(before);
    const { depth, numHeads } = p.net.config;
    expect([r.depth, r.heads, r.tokens, r.gridSize, r.patchSize]).toEqual([depth, numHeads, 16, 4, 2]);
    expect(r.attn.length).toBe(depth * numHeads * 16 * 16);
    for (let row = 0; row < depth * numHeads * 16; row++) {
      const s = r.attn.subarray(row * 16, row * 16 + 16).reduce((a, b) => a + b, 0);
      expect(s).toBeCloseTo(1, 4);
    }
    expect(r.gates.length).toBe(depth);
    expect(r.xt.length).toBe(1024);
    expect(r.x0.length).toBe(1024);
    expect([r.t, r.label, r.numClasses]).toEqual([500, 3, 10]);
    const again = await insp.attention({ pixels: digit, label: 3, t: 500, seed: 7 });
    expect(Array.from(again.attn)).toEqual(Array.from(r.attn));
    const otherSeed = await insp.attention({ pixels: digit, label: 3, t: 500, seed: 8 });
    expect(Array.from(otherSeed.xt)).not.toEqual(Array.from(r.xt));
    const nullClass = await insp.attention({ pixels: digit, label: null, t: 500, seed: 7 });
    expect(nullClass.label).toBe(10);
    expect(Array.from(nullClass.attn)).not.toEqual(Array.from(r.attn));
    await expect(insp.attention({ pixels: digit, label: 3, t: 1000, seed: 7 })).rejects.toThrow(/t must be/);
    expect(tf.memory().numTensors).toBe(before);
    insp.dispose();
  });

  it('handler: encode and attention requests answer with typed arrays; overtaken requests of a channel are cancelled', async () => {
    const posted: WorkerResponse[] = [];
    let inspectorLoads = 0;
    const env: RuntimeEnv = {
      initBackend: async () => ({ backend: 'wasm', reason: 'test', fallbacks: [] }),
      loadModel: async () => tinyLoadedModel(),
      loadEncoder: async (_v, _b, onProgress) => {
        onProgress(1, 1, 'vae.bin');
        return encoderFromVae(new TinyVAE(VAE_V1, 1), 0.8);
      },
      loadInspector: async () => {
        inspectorLoads++;
        return inspectorFromParts(parts());
      },
      post: (msg) => {
        transferables(msg);
        posted.push(msg);
      },
      yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
      now: () => performance.now(),
      memory: () => ({ numTensors: tf.memory().numTensors, numBytes: 0, backend: 'wasm' }),
      crash: () => undefined,
    };
    const rt = new ModelRuntime(env);
    const of = (id: number) => posted.filter((m) => m.id === id).map((m) => m.type);
    await rt.handle({ type: 'encode', id: 1, channel: 'p', vae: 'models/vae-v1', pixels: digit, count: 1 });
    await rt.idle();
    expect(of(1)).toEqual(['load-progress', 'encoded']);
    const enc = posted.find((m) => m.id === 1 && m.type === 'encoded');
    expect(enc?.type === 'encoded' && enc.latents.length).toBe(256);

    // Three attention requests of one channel in a burst: only the last runs; another channel still runs.
    for (const id of [2, 3, 4]) await rt.handle({ type: 'attention', id, channel: 'a', model: 'models/dit-t1', pixels: digit, label: 1, t: 100 * id, seed: 1 });
    await rt.handle({ type: 'attention', id: 5, channel: 'b', model: 'models/dit-t1', pixels: digit, label: null, t: 10, seed: 1 });
    await rt.idle();
    expect([of(2), of(3), of(4), of(5)]).toEqual([['cancelled'], ['cancelled'], ['attention-maps'], ['attention-maps']]);
    const last = posted.find((m) => m.id === 4);
    expect(last?.type === 'attention-maps' && last.t).toBe(400);
    expect(inspectorLoads).toBe(1);

    await rt.handle({ type: 'attention', id: 6, channel: 'a', model: 'models/dit-t1', pixels: digit, label: 1, t: 1000, seed: 1 });
    await rt.handle({ type: 'encode', id: 7, channel: 'p', vae: '../secret', pixels: digit, count: 1 });
    expect(posted.filter((m) => m.id >= 6).map((m) => m.type === 'error' && m.kind)).toEqual(['request', 'request']);
  });

  it('loadInspector: fetches the DiT and the VAE its manifest.json names under one progress bar, caches both, refuses a VAE without an encoder or scale factor', async () => {
    const files = new Map<string, Uint8Array | string>();
    const p = parts();
    const dit = await saveDiT(p.net, { shardBytes: 40_000, metadata: { preset: 'tiny' } });
    p.net.dispose();
    files.set('/models/dit-t1/model.json', JSON.stringify(dit.manifest));
    files.set('/models/dit-t1/manifest.json', JSON.stringify({ latents: { vae: 'public/models/vae-t1', scaleFactor: 0.8 } }));
    dit.manifest.weightsManifest[0].paths.forEach((q, i) => files.set(`/models/dit-t1/${q}`, new Uint8Array(dit.shards[i])));
    const vae = await saveWeights(p.vae.stateDict(), { metadata: { kind: 'tiny-vae', config: VAE_V1 } });
    p.vae.dispose();
    const vaeManifest = JSON.stringify(vae.manifest);
    files.set('/models/vae-t1/model.json', vaeManifest);
    vae.manifest.weightsManifest[0].paths.forEach((q, i) => files.set(`/models/vae-t1/${q}`, new Uint8Array(vae.shards[i])));
    const fetched: string[] = [];
    const store = new Map<string, Uint8Array>();
    const env = {
      fetch: async (url: string) => {
        const path = new URL(url).pathname;
        fetched.push(path);
        const body = files.get(path);
        return body === undefined ? new Response('not found', { status: 404 }) : new Response(typeof body === 'string' ? body : body.slice());
      },
      cache: {
        match: async (u: string) => (store.has(u) ? new Response(store.get(u)!.slice()) : undefined),
        put: async (u: string, r: Response) => void store.set(u, new Uint8Array(await r.arrayBuffer())),
        delete: async (u: string) => store.delete(u),
      },
    };
    const progress: [number, number][] = [];
    const before = tf.memory().numTensors;
    const insp = await loadInspector('models/dit-t1', 'http://site.test/', env, (l, t) => progress.push([l, t]));
    const total = progress[0][1];
    expect(progress.every(([, t]) => t === total)).toBe(true);
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
    expect(progress.at(-1)![0]).toBe(total);
    expect(fetched.some((q) => q.startsWith('/models/vae-t1/') && q.endsWith('.bin'))).toBe(true);
    expect(store.size).toBe([...files.keys()].filter((k) => k.endsWith('.bin')).length);
    const r = await insp.attention({ pixels: digit, label: 3, t: 500, seed: 7 });
    expect([r.tokens, r.gridSize, r.xt.length]).toEqual([16, 4, 1024]);
    insp.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // No scale factor anywhere: refused before the VAE's shards are fetched.
    files.set('/models/dit-t1/manifest.json', JSON.stringify({ latents: { vae: 'models/vae-t1' } }));
    fetched.length = 0;
    await expect(loadInspector('models/dit-t1', 'http://site.test/', env, () => undefined)).rejects.toThrow(/states the latent scale factor/);
    expect(fetched.filter((q) => q.startsWith('/models/vae-t1/') && q.endsWith('.bin'))).toEqual([]);
    // A latent preview (no encoder) is refused by name.
    files.set('/models/dit-t1/manifest.json', JSON.stringify({ data: { latents: { vae: 'models/vae-t1', scaleFactor: 0.8 } } }));
    files.set('/models/vae-t1/model.json', JSON.stringify({ ...vae.manifest, userDefinedMetadata: { kind: 'latent-preview' } }));
    await expect(loadInspector('models/dit-t1', 'http://site.test/', env, () => undefined)).rejects.toThrow(/without an encoder/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
