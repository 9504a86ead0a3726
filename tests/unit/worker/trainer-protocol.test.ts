/** The trainer worker's messages: what the worker accepts from a page, and what it transfers. */
import { describe, expect, it } from 'vitest';
import { trainerRequestProblems, trainerTransferables, type TrainerResponse } from '@/lib/worker/trainer-protocol';
import { DEFAULT_TRAINER_SETTINGS } from '@/lib/train/browser-recipe';

describe('trainer protocol', () => {
  it('accepts well-formed requests', () => {
    expect(trainerRequestProblems({ type: 'init', id: 1, backend: null, baseUrl: 'http://x/' })).toEqual([]);
    expect(trainerRequestProblems({ type: 'init', id: 1, backend: 'wasm', baseUrl: 'http://x/' })).toEqual([]);
    expect(trainerRequestProblems({ type: 'train', id: 2, settings: DEFAULT_TRAINER_SETTINGS })).toEqual([]);
    for (const type of ['pause', 'reset', 'sample', 'stats']) expect(trainerRequestProblems({ type, id: 3 })).toEqual([]);
  });

  it('rejects malformed ones with a reason', () => {
    expect(trainerRequestProblems(null)).toEqual(['a request must be an object']);
    expect(trainerRequestProblems({ type: 'fly', id: 1 })).toEqual(["unknown request type 'fly'"]);
    expect(trainerRequestProblems({ type: 'pause' })).toEqual(['id must be an integer']);
    expect(trainerRequestProblems({ type: 'init', id: 1, backend: 'tpu', baseUrl: '' }).join('; ')).toMatch(/baseUrl.*unknown backend 'tpu'/);
    expect(trainerRequestProblems({ type: 'train', id: 1, settings: { ...DEFAULT_TRAINER_SETTINGS, batchSize: 1000 } }).join()).toMatch(/batchSize/);
    expect(trainerRequestProblems({ type: 'settings', id: 1 })).toEqual(['settings must be an object']);
  });

  it('transfers the sample pictures instead of copying them', () => {
    const images = new Float32Array(10 * 1024);
    const labels = new Int32Array(10);
    const msg: TrainerResponse = { type: 'samples', id: 1, step: 100, images, labels, weights: 'ema', guidanceScale: 3, sampleSteps: 20, ms: 5 };
    expect(trainerTransferables(msg)).toEqual([images.buffer, labels.buffer]);
    expect(trainerTransferables({ type: 'paused', id: 1, step: 3, numTensors: 5 })).toEqual([]);
  });
});
