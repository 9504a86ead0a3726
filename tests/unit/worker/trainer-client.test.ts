import { describe, expect, it } from 'vitest';
import { TrainerClient } from '@/lib/worker/trainer-client';
import { FakeWorker as FakeWorkerBase } from './fake-worker';
import type { TrainerRequest, TrainerResponse } from '@/lib/worker/trainer-protocol';

class FakeWorker extends FakeWorkerBase<TrainerRequest, TrainerResponse> {}

describe('trainer worker client', () => {
  it('numbers requests, streams every message, resolves call() with its own answer only', async () => {
    const w = new FakeWorker();
    const seen: string[] = [];
    const c = new TrainerClient(
      () => w,
      (m) => seen.push(m.type),
      () => undefined,
    );
    const trainId = c.send({ type: 'train', settings: {} as never });
    const stats = c.call({ type: 'stats' });
    expect(w.received.map((r) => [r.type, r.id])).toEqual([
      ['train', trainId],
      ['stats', trainId + 1],
    ]);
    // A stream message with the stats request's id does not answer it; the stats reply does.
    w.reply({ type: 'phase', id: trainId + 1, phase: 'training', step: 3 });
    w.reply({ type: 'stats', id: trainId + 1, numTensors: 7, numBytes: 70, backend: 'wasm', step: 3, phase: 'training' });
    await expect(stats).resolves.toMatchObject({ type: 'stats', numTensors: 7 });
    expect(seen).toEqual(['phase', 'stats']);
    c.terminate();
    expect(w.terminated).toBe(true);
    expect(c.send({ type: 'pause' })).toBeGreaterThan(0); // after terminate: nothing is posted
    expect(w.received.length).toBe(2);
  });

  it('reports a crash with the worker error message', () => {
    const w = new FakeWorker();
    const crashes: string[] = [];
    new TrainerClient(
      () => w,
      () => undefined,
      (why) => crashes.push(why),
    );
    w.onerror?.({ message: '' } as ErrorEvent);
    w.onerror?.({ message: 'boom' } as ErrorEvent);
    expect(crashes).toEqual(['the trainer worker stopped', 'boom']);
  });
});
