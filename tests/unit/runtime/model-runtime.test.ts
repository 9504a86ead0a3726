import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { ModelRuntime, type RuntimeEnv } from '@/lib/runtime/model-runtime';
import { RuntimeError, type LoadedModel } from '@/lib/load/loaded';
import { transferables, type SampleParams, type WorkerResponse } from '@/lib/worker/protocol';
import { tinyLoadedModel } from './helpers';

beforeAll(async () => {
  await setNodeBackend('wasm');
});

const params: SampleParams = {
  channel: 'a',
  model: 'models/test-v1',
  labels: [1, 2, -1, 4],
  seeds: [1, 2, 3, 4],
  steps: 8,
  sampler: 'ddim',
  eta: 0,
  guidanceScale: 2,
  cfgChannels: 'all',
  traceIndex: 0,
  previewEveryMs: 0,
};

function harness(opts: { loadModel?: RuntimeEnv['loadModel'] } = {}) {
  const posted: WorkerResponse[] = [];
  let loads = 0;
  const models: LoadedModel[] = [];
  const env: RuntimeEnv = {
    initBackend: async () => ({ backend: 'wasm', reason: 'test', fallbacks: [] }),
    loadModel:
      opts.loadModel ??
      (async (_m, _b, onProgress) => {
        loads++;
        onProgress(50, 100, 'a.bin');
        onProgress(100, 100, 'a.bin');
        const m = tinyLoadedModel();
        models.push(m);
        return m;
      }),
    post: (msg) => {
      transferables(msg); // must not throw on any reply
      posted.push(msg);
    },
    yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
    now: () => performance.now(),
    memory: () => ({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes, backend: tf.getBackend() }),
    crash: () => {
      throw new Error('crash');
    },
  };
  const rt = new ModelRuntime(env);
  const of = (id: number) => posted.filter((m) => m.id === id);
  const dispose = () => models.forEach((m) => m.dispose());
  return { rt, posted, of, loads: () => loads, dispose };
}

describe('model worker handler', () => {
  it('init reports the backend; load streams progress and the model facts', async () => {
    const h = harness();
    await h.rt.handle({ type: 'init', id: 1, backend: null, baseUrl: '/' });
    expect(h.of(1)).toEqual([{ type: 'ready', id: 1, backend: 'wasm', reason: 'test', fallbacks: [] }]);
    await h.rt.handle({ type: 'load', id: 2, model: 'models/test-v1' });
    const types = h.of(2).map((m) => m.type);
    expect(types).toEqual(['load-progress', 'load-progress', 'loaded']);
    const loaded = h.of(2)[2];
    expect(loaded.type === 'loaded' && loaded.model).toBe('models/test-v1');
    // A second load of the same folder reuses it.
    await h.rt.handle({ type: 'load', id: 3, model: 'models/test-v1' });
    expect(h.loads()).toBe(1);
    h.dispose();
  });

  it('a sample request streams every step, then the pictures; tensors return to the baseline', async () => {
    const h = harness();
    await h.rt.handle({ type: 'load', id: 1, model: params.model });
    const baseline = tf.memory().numTensors;
    await h.rt.handle({ type: 'sample', id: 2, ...params });
    await h.rt.idle();
    const msgs = h.of(2);
    const all = msgs.filter((m) => m.type === 'step');
    expect(all.length).toBe(9);
    // First: x_T decoded, before any network call (step -1, no prediction yet).
    const start = all[0];
    if (start.type === 'step') {
      expect(start.step).toBe(-1);
      expect(start.t).toBe(999);
      expect(start.x0.length).toBe(0);
      expect(start.xt.length).toBe(1024);
      expect(start.grid.length).toBe(4 * 1024);
      expect(Array.from(start.xt)).toEqual(Array.from(start.grid.subarray(0, 1024)));
    }
    const steps = all.slice(1);
    steps.forEach((s, i) => {
      if (s.type !== 'step') return;
      expect(s.step).toBe(i);
      expect(s.xt.length).toBe(1024);
      expect(s.x0.length).toBe(1024);
      expect(s.grid.length).toBe(4 * 1024); // previewEveryMs 0: a grid every step
      expect(s.ms).toBeGreaterThan(0);
    });
    const done = msgs[msgs.length - 1];
    expect(done.type).toBe('done');
    if (done.type === 'done') {
      expect(done.images.length).toBe(4 * 1024);
      expect(Array.from(done.labels.slice(0, 2))).toEqual([1, 2]);
      expect(done.labels[2]).toBeGreaterThanOrEqual(0);
      expect(done.backend).toBe('wasm');
      expect(transferables(done).length).toBe(2);
    }
    expect(tf.memory().numTensors).toBe(baseline);
    h.dispose();
  });

  it('a newer request cancels the running one between steps', async () => {
    const h = harness();
    await h.rt.handle({ type: 'load', id: 1, model: params.model });
    await h.rt.handle({ type: 'sample', id: 10, ...params, steps: 40 });
    // Let it run a few steps, then ask for something else.
    while (h.of(10).filter((m) => m.type === 'step').length < 4) await new Promise((r) => setTimeout(r, 5));
    await h.rt.handle({ type: 'sample', id: 11, ...params, labels: [9, 9, 9, 9] });
    await h.rt.idle();
    const first = h.of(10);
    const last = first[first.length - 1];
    expect(last.type).toBe('cancelled');
    if (last.type === 'cancelled') expect(last.atStep).toBeLessThan(10);
    const second = h.of(11);
    const done = second[second.length - 1];
    expect(done.type).toBe('done');
    if (done.type === 'done') expect(Array.from(done.labels)).toEqual([9, 9, 9, 9]);
    h.dispose();
  });

  it('30 rapid requests: only the last runs to the end, and the tensor count returns to its baseline', async () => {
    const h = harness();
    await h.rt.handle({ type: 'load', id: 1, model: params.model });
    const baseline = tf.memory().numTensors;
    for (let k = 0; k < 30; k++) {
      await h.rt.handle({ type: 'sample', id: 100 + k, ...params, guidanceScale: 1 + k / 10 });
      if (k % 3 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await h.rt.idle();
    for (let k = 0; k < 29; k++) {
      const m = h.of(100 + k);
      expect(m[m.length - 1].type).toBe('cancelled');
    }
    const lastMsgs = h.of(129);
    expect(lastMsgs[lastMsgs.length - 1].type).toBe('done');
    expect(h.posted.filter((m) => m.type === 'done').length).toBe(1);
    expect(tf.memory().numTensors).toBe(baseline);
    h.dispose();
  });

  it('requests of another channel (another widget) do not cancel each other; their steps interleave', async () => {
    const h = harness();
    await h.rt.handle({ type: 'load', id: 1, model: params.model });
    const baseline = tf.memory().numTensors;
    await h.rt.handle({ type: 'sample', id: 20, ...params, steps: 6 });
    await h.rt.handle({ type: 'sample', id: 21, ...params, channel: 'b', steps: 4 });
    await h.rt.handle({ type: 'sample', id: 22, ...params, channel: 'b', steps: 5 });
    await h.rt.idle();
    expect(h.of(20).at(-1)?.type).toBe('done');
    expect(h.of(21).at(-1)).toEqual({ type: 'cancelled', id: 21, atStep: 0 });
    expect(h.of(22).at(-1)?.type).toBe('done');
    expect(h.of(20).filter((m) => m.type === 'step')).toHaveLength(7); // x_T and six steps
    expect(h.of(22).filter((m) => m.type === 'step')).toHaveLength(6);
    // Channel b's run began before channel a's ended: a slider moved in one widget does not wait for
    // the other widget's whole run (a serial queue made it wait minutes on WASM).
    const at = (pred: (m: WorkerResponse) => boolean) => h.posted.findIndex(pred);
    expect(at((m) => m.id === 22 && m.type === 'step')).toBeLessThan(at((m) => m.id === 20 && m.type === 'done'));
    expect(tf.memory().numTensors).toBe(baseline);
    h.dispose();
  });

  it('a model replaced while a run of another widget uses it is disposed when that run ends', async () => {
    const made: { name: string; disposed: number }[] = [];
    const models: LoadedModel[] = [];
    const h = harness({
      loadModel: async (name) => {
        const m = tinyLoadedModel();
        const rec = { name, disposed: 0 };
        made.push(rec);
        models.push(m);
        return {
          ...m,
          dispose: () => {
            rec.disposed++;
            m.dispose();
          },
        };
      },
    });
    const baseline = tf.memory().numTensors;
    await h.rt.handle({ type: 'sample', id: 1, ...params, steps: 12 });
    while (h.of(1).filter((m) => m.type === 'step').length < 2) await new Promise((r) => setTimeout(r, 5));
    await h.rt.handle({ type: 'sample', id: 2, ...params, channel: 'b', model: 'models/other-v1', steps: 3 });
    await h.rt.idle();
    expect(h.of(1).at(-1)?.type).toBe('done'); // its model was not pulled from under it
    expect(h.of(2).at(-1)?.type).toBe('done');
    expect(made.map((m) => [m.name, m.disposed])).toEqual([
      ['models/test-v1', 1],
      ['models/other-v1', 0],
    ]);
    models[1].dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('cancel stops a running request and drops a queued one', async () => {
    const h = harness();
    await h.rt.handle({ type: 'load', id: 1, model: params.model });
    await h.rt.handle({ type: 'sample', id: 5, ...params, steps: 30 });
    while (h.of(5).filter((m) => m.type === 'step').length < 1) await new Promise((r) => setTimeout(r, 5));
    await h.rt.handle({ type: 'cancel', id: 5 });
    await h.rt.idle();
    expect(h.of(5).at(-1)?.type).toBe('cancelled');
    expect(h.posted.some((m) => m.type === 'done')).toBe(false);
    h.dispose();
  });

  it('missing weights give a weights error; the next request tries again and works', async () => {
    let attempt = 0;
    const models: LoadedModel[] = [];
    const h = harness({
      loadModel: async () => {
        attempt++;
        if (attempt === 1) throw new RuntimeError('weights', 'models/test-v1/weights.bin: HTTP 404 (file not found)');
        const m = tinyLoadedModel();
        models.push(m);
        return m;
      },
    });
    await h.rt.handle({ type: 'sample', id: 1, ...params });
    await h.rt.idle();
    expect(h.of(1)).toEqual([{ type: 'error', id: 1, kind: 'weights', message: 'models/test-v1/weights.bin: HTTP 404 (file not found)' }]);
    await h.rt.handle({ type: 'sample', id: 2, ...params, steps: 2 });
    await h.rt.idle();
    expect(h.of(2).at(-1)?.type).toBe('done');
    models.forEach((m) => m.dispose());
  });

  it('rejects malformed requests with a request error', async () => {
    const h = harness();
    await h.rt.handle({ type: 'sample', id: 1, ...params, steps: 0, eta: 3 });
    await h.rt.handle({ type: 'sample', id: 2, ...params, guidanceScale: [1, 2] });
    const e1 = h.of(1)[0];
    expect(e1.type === 'error' && e1.kind).toBe('request');
    expect(e1.type === 'error' && e1.message).toMatch(/steps.*eta/);
    expect(h.of(2)[0].type).toBe('error');
    await h.rt.handle({ type: 'stats', id: 3 });
    expect(h.of(3)[0].type).toBe('stats');
  });
});
