/**
 * The trainer worker's handling on Node's wasm backend, with the real loop, the shipped VAE and real
 * training digits (a small set, for speed): train -> steps with a finite loss and sample grids ->
 * pause stops the steps -> resume continues from the same step -> the tensor count is the same at
 * every pause -> reset frees the model down to the count after the data loaded. And the failures a
 * reader can meet: missing digits, a malformed request.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { loadMnistSplit } from '@/lib/data/node';
import { subset, type DigitSet } from '@/lib/data/mnist';
import { TrainerRuntime, type TrainerEnv } from '@/lib/runtime/trainer-runtime';
import { loadTrainerDigits, loadTrainerVae, TrainerLoadError } from '@/lib/load/trainer-loaders';
import type { TrainerResponse } from '@/lib/worker/trainer-protocol';
import { DEFAULT_TRAINER_SETTINGS, type TrainerSettings } from '@/lib/train/browser-recipe';
import { fileFetch, SITE } from './trainer-helpers';

let digits: DigitSet;

beforeAll(async () => {
  await setNodeBackend('wasm');
  const { trainSet } = loadMnistSplit();
  // 12 digits of each class.
  const idx: number[] = [];
  for (let c = 0; c < 10; c++)
    idx.push(
      ...Array.from(trainSet.labels.keys())
        .filter((i) => trainSet.labels[i] === c)
        .slice(0, 12),
    );
  digits = subset(trainSet, idx);
});

const SETTINGS: TrainerSettings = { ...DEFAULT_TRAINER_SETTINGS, preset: 'DiT-mini-S/4', batchSize: 16, sampleEvery: 10, sampleSteps: 2, warmupSteps: 5 };

function makeEnv(over: Partial<TrainerEnv> = {}) {
  const msgs: TrainerResponse[] = [];
  const env: TrainerEnv = {
    initBackend: async () => ({ backend: 'wasm', reason: 'test', fallbacks: [] }),
    loadDigits: async () => ({ set: digits, bytes: 12 + digits.count * 785 }),
    loadVae: (base) => loadTrainerVae(base, { fetch: fileFetch, cache: null }),
    post: (m) => msgs.push(m),
    yieldToEvents: () => new Promise((r) => setImmediate(r)),
    now: () => performance.now(),
    memory: () => ({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes, backend: tf.getBackend() }),
    ...over,
  };
  return { env, msgs };
}

const of = <T extends TrainerResponse['type']>(msgs: TrainerResponse[], type: T) =>
  msgs.filter((m): m is Extract<TrainerResponse, { type: T }> => m.type === type);
const lastStep = (msgs: TrainerResponse[]) => Math.max(0, ...of(msgs, 'steps').flatMap((m) => m.records.map((r) => r.step)));

async function until(cond: () => boolean, what: string, ms = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let rt: TrainerRuntime | null = null;
afterEach(async () => {
  await rt?.dispose();
  rt = null;
});

describe('TrainerRuntime', () => {
  it('trains, samples, pauses, resumes and resets without leaking tensors', async () => {
    const start = tf.memory().numTensors;
    const { env, msgs } = makeEnv();
    rt = new TrainerRuntime(env);
    await rt.handle({ type: 'init', id: 1, backend: 'wasm', baseUrl: SITE });
    expect(of(msgs, 'ready')).toHaveLength(1);
    await rt.handle({ type: 'train', id: 2, settings: SETTINGS });
    const ready = of(msgs, 'data-ready')[0];
    expect(ready.digits).toBe(120);
    expect(ready.perClass).toEqual(new Array(10).fill(12));
    expect(ready.scaleFactor).toBeGreaterThan(0);
    const baseline = ready.numTensors;
    const model = of(msgs, 'model')[0];
    expect(model.preset).toBe('DiT-mini-S/4');
    expect(model.tokens).toBe(4);
    expect(model.parameters).toBe(341120);

    await until(() => lastStep(msgs) >= 12 && of(msgs, 'samples').length >= 1, '12 steps and a sample grid');
    await rt.handle({ type: 'pause', id: 3 });
    const p1 = of(msgs, 'paused')[0];
    expect(rt.currentPhase).toBe('paused');
    const stepAtPause = lastStep(msgs);
    expect(p1.step).toBe(stepAtPause);
    // Paused: no more steps arrive.
    await new Promise((r) => setTimeout(r, 300));
    expect(lastStep(msgs)).toBe(stepAtPause);

    const records = of(msgs, 'steps').flatMap((m) => m.records);
    expect(records.map((r) => r.step)).toEqual(Array.from({ length: records.length }, (_, i) => i + 1));
    for (const r of records) {
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(r.loss).toBeCloseTo(r.mse + r.vb, 4); // Eq. l-hybrid: L_simple + L_vlb
    }
    expect(records[0].lr).toBeCloseTo(SETTINGS.lr / SETTINGS.warmupSteps, 12);
    expect(records[9].lr).toBe(SETTINGS.lr);

    const grid = of(msgs, 'samples')[0];
    expect(grid.step).toBe(10);
    expect(grid.images).toHaveLength(10 * 32 * 32);
    expect(Array.from(grid.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(grid.images.every((v) => v >= -1 && v <= 1)).toBe(true);

    // Resume: continues from the same step; the tensor count at the next pause is the same.
    await rt.handle({ type: 'train', id: 4, settings: { ...SETTINGS, lr: 5e-4 } });
    await until(() => lastStep(msgs) >= stepAtPause + 3, 'three more steps');
    await rt.handle({ type: 'pause', id: 5 });
    const p2 = of(msgs, 'paused')[1];
    expect(p2.numTensors).toBe(p1.numTensors);
    const resumed = of(msgs, 'steps')
      .flatMap((m) => m.records)
      .filter((r) => r.step > stepAtPause);
    expect(resumed[0].step).toBe(stepAtPause + 1);
    expect(resumed[0].lr).toBe(5e-4); // the slider's new peak applies to the running model

    // A sample on demand while paused.
    const grids = of(msgs, 'samples').length;
    await rt.handle({ type: 'sample', id: 6 });
    expect(of(msgs, 'samples')).toHaveLength(grids + 1);

    await rt.handle({ type: 'reset', id: 7 });
    expect(of(msgs, 'reset-done')[0].numTensors).toBe(baseline);
    expect(rt.currentPhase).toBe('idle');

    // A second model starts without reloading the data, and its reset returns to the same count.
    await rt.handle({ type: 'train', id: 8, settings: { ...SETTINGS, preset: 'DiT-mini-S/2' } });
    expect(of(msgs, 'data-ready')).toHaveLength(1);
    expect(of(msgs, 'model')[1].tokens).toBe(16);
    await until(() => of(msgs, 'steps').some((m) => m.id === 8), 'a step of the second model');
    await rt.handle({ type: 'reset', id: 9 });
    expect(of(msgs, 'reset-done')[1].numTensors).toBe(baseline);
    expect(of(msgs, 'error')).toEqual([]);

    await rt.dispose();
    rt = null;
    expect(tf.memory().numTensors).toBe(start);
  });

  it('a missing digit file is a data error, and a later Train retries', async () => {
    let fail = true;
    const { env, msgs } = makeEnv({
      loadDigits: async (base, onProgress) =>
        fail ? loadTrainerDigits(base, async () => new Response('no', { status: 404 }), onProgress) : { set: digits, bytes: 1 },
    });
    rt = new TrainerRuntime(env);
    await rt.handle({ type: 'init', id: 1, backend: null, baseUrl: SITE });
    await rt.handle({ type: 'train', id: 2, settings: SETTINGS });
    const err = of(msgs, 'error')[0];
    expect(err.kind).toBe('data');
    expect(err.message).toMatch(/training digits could not be downloaded.*HTTP 404/);
    expect(rt.currentPhase).toBe('idle');
    fail = false;
    await rt.handle({ type: 'train', id: 3, settings: SETTINGS });
    await until(() => lastStep(msgs) >= 1, 'a step after the retry');
    await rt.handle({ type: 'reset', id: 4 });
  });

  it('a missing VAE is a weights error', async () => {
    const { env, msgs } = makeEnv({ loadVae: (base) => loadTrainerVae(base, { fetch: async () => new Response('no', { status: 404 }), cache: null }) });
    rt = new TrainerRuntime(env);
    await rt.handle({ type: 'init', id: 1, backend: null, baseUrl: SITE });
    await rt.handle({ type: 'train', id: 2, settings: SETTINGS });
    expect(of(msgs, 'error')[0].kind).toBe('weights');
    expect(of(msgs, 'error')[0].message).toMatch(/VAE could not be loaded/);
  });

  it('answers a malformed request with a request error and keeps working', async () => {
    const { env, msgs } = makeEnv();
    rt = new TrainerRuntime(env);
    await rt.handle({ type: 'train', id: 1, settings: { ...SETTINGS, preset: 'DiT-XL/2' } } as never);
    expect(of(msgs, 'error')[0].kind).toBe('request');
    await rt.handle({ type: 'stats', id: 2 });
    expect(of(msgs, 'stats')[0].phase).toBe('idle');
  });

  it('loadTrainerDigits reads a DLMN file and rejects anything else', async () => {
    const ok = await loadTrainerDigits(SITE, async () => new Response(new Uint8Array([0x44, 0x4c, 0x4d, 0x4e, 1, 28, 28, 0, 0, 0, 0, 0])));
    expect(ok.set.count).toBe(0);
    await expect(loadTrainerDigits(SITE, async () => new Response('<html>'))).rejects.toBeInstanceOf(TrainerLoadError);
  });
});
