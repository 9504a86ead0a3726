import { describe, expect, it } from 'vitest';
import { ModelClient } from '@/lib/worker/model-client';
import { FakeWorker as FakeWorkerBase } from './fake-worker';
import type { WorkerRequest, WorkerResponse } from '@/lib/worker/protocol';

/** A model worker double that answers init at once; the test answers the rest. */
class FakeWorker extends FakeWorkerBase<WorkerRequest, WorkerResponse> {
  constructor() {
    super((req, w) => {
      if (req.type === 'init') queueMicrotask(() => w.reply({ type: 'ready', id: req.id, backend: 'wasm', reason: 'test', fallbacks: [] }));
    });
  }
}

const sample = {
  type: 'sample' as const,
  channel: 'c',
  model: 'models/x-v1',
  labels: [1],
  seeds: [1],
  steps: 10,
  sampler: 'ddim' as const,
  eta: 0,
  guidanceScale: 1,
  cfgChannels: 'all' as const,
  traceIndex: 0,
  previewEveryMs: 100,
};

describe('model worker client', () => {
  it('starts the worker on first use, sends init with the override, routes replies by id', async () => {
    const workers: FakeWorker[] = [];
    const c = new ModelClient(() => (workers.push(new FakeWorker()), workers.at(-1)!), { backend: 'wasm', baseUrl: 'http://x/' });
    expect(workers.length).toBe(0);
    const got: WorkerResponse[] = [];
    const req = c.request(sample, (m) => got.push(m));
    expect(workers.length).toBe(1);
    expect(workers[0].received[0]).toMatchObject({ type: 'init', backend: 'wasm', baseUrl: 'http://x/' });
    expect(await c.backendInfo()).toEqual({ backend: 'wasm', reason: 'test', fallbacks: [] });
    workers[0].reply({ type: 'cancelled', id: 999, atStep: 0 }); // someone else's id: ignored
    workers[0].reply({ type: 'done', id: req.id, images: new Float32Array(4), labels: new Int32Array(1), totalMs: 5, msPerStep: 0.5, backend: 'wasm' });
    expect(got.map((m) => m.type)).toEqual(['done']);
    expect(c.lastDone?.id).toBe(req.id);
    // A finished request is forgotten: a late reply is dropped and cancel sends nothing.
    const sent = workers[0].received.length;
    req.cancel();
    expect(workers[0].received.length).toBe(sent);
  });

  it('cancel names the request it stops', () => {
    const w = new FakeWorker();
    const c = new ModelClient(() => w, { backend: null, baseUrl: '/' });
    const req = c.request(sample, () => undefined);
    req.cancel();
    expect(w.received.at(-1)).toEqual({ type: 'cancel', id: req.id });
  });

  it('a crashed worker fails its pending requests and is replaced on the next request', async () => {
    const workers: FakeWorker[] = [];
    const c = new ModelClient(() => (workers.push(new FakeWorker()), workers.at(-1)!), { backend: null, baseUrl: '/' });
    const got: WorkerResponse[] = [];
    c.request(sample, (m) => got.push(m));
    workers[0].crash('out of memory');
    expect(workers[0].terminated).toBe(true);
    expect(c.restarts).toBe(1);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ type: 'error', kind: 'internal' });
    expect((got[0] as { message: string }).message).toMatch(/out of memory.*restarts on the next request/);
    const r2 = c.request(sample, () => undefined);
    expect(workers.length).toBe(2);
    expect(workers[1].received.map((m) => m.type)).toEqual(['init', 'sample']);
    expect(workers[1].received[1].id).toBe(r2.id);
    expect(await c.backendInfo()).toMatchObject({ backend: 'wasm' });
  });

  it('call resolves with the terminal reply and rejects on an error reply', async () => {
    const w = new FakeWorker();
    const c = new ModelClient(() => w, { backend: null, baseUrl: '/' });
    const p = c.call({ type: 'stats' });
    const id = w.received.at(-1)!.id;
    w.reply({ type: 'stats', id, numTensors: 3, numBytes: 12, backend: 'wasm' });
    await expect(p).resolves.toMatchObject({ numTensors: 3 });
    const q = c.call({ type: 'load', model: 'models/nope-v1' });
    w.reply({ type: 'error', id: w.received.at(-1)!.id, kind: 'weights', message: 'HTTP 404' });
    await expect(q).rejects.toThrow('HTTP 404');
  });
});
