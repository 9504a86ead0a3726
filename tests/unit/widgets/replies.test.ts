import { describe, expect, it } from 'vitest';
import { replyReader } from '@/components/widgets/shared/replies';
import type { WorkerResponse } from '@/lib/worker/protocol';

const step = (s: number, ms: number): WorkerResponse => ({
  type: 'step',
  id: 1,
  step: s,
  totalSteps: 3,
  t: 999,
  ms,
  xt: new Float32Array(0),
  x0: new Float32Array(0),
  grid: new Float32Array(0),
});

describe('model worker replies, read once for every widget', () => {
  it('keeps the mean step time (x_T at step -1 costs no network call), and names every other reply', () => {
    const read = replyReader();
    expect(read({ type: 'load-progress', id: 1, loaded: 5, total: 10, file: 'a.bin' })).toEqual({ kind: 'loading', loaded: 5, total: 10 });
    expect(read(step(-1, 3))).toMatchObject({ kind: 'step', msPerStep: null });
    expect(read(step(0, 10))).toMatchObject({ kind: 'step', msPerStep: 10 });
    expect(read(step(1, 20))).toMatchObject({ kind: 'step', msPerStep: 15 });
    expect(read({ type: 'error', id: 1, kind: 'weights', message: 'gone' })).toEqual({ kind: 'error', error: { kind: 'weights', message: 'gone' } });
    expect(read({ type: 'cancelled', id: 1, atStep: 2 })).toEqual({ kind: 'cancelled' });
    expect(read({ type: 'stats', id: 1, numTensors: 1, numBytes: 2, backend: 'wasm' }).kind).toBe('answer');
  });
});
