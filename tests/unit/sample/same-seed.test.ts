/**
 * Same seed, same picture: the command line's `sample --model dit-default-v1 --class 3 --seed 5`
 * (the real command, in a child process) and the model worker's handler given the reverse sampler
 * widget's request for class 3, seed 5 (its own sampleParams, the browser's folder loader over the
 * shipped files) draw the same sixteen digits on the same backend (wasm).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { ModelRuntime, type RuntimeEnv } from '@/lib/runtime/model-runtime';
import { loadDiTModel } from '@/lib/load/model-loader';
import { makeVaeDecoder } from '@/lib/load/decoder';
import type { WorkerResponse } from '@/lib/worker/protocol';
import { DEFAULT_SETTINGS, GRID_SAMPLES, sampleParams } from '@/components/widgets/ReverseSampler/use-reverse-sampler';
import { fileFetch, SITE } from '../runtime/trainer-helpers';

const STEPS = 20;

beforeAll(async () => {
  await setNodeBackend('wasm');
});

/** The worker's handler on this process, loading folders from public/ as the site serves them. */
async function workerImages(): Promise<{ images: Float32Array; labels: Int32Array }> {
  const posted: WorkerResponse[] = [];
  const env: RuntimeEnv = {
    initBackend: async () => ({ backend: 'wasm', reason: 'test', fallbacks: [] }),
    loadModel: (model, baseUrl, onProgress) => loadDiTModel(model, baseUrl, { fetch: fileFetch, cache: null, makeDecoder: makeVaeDecoder }, onProgress),
    post: (msg) => posted.push(msg),
    yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
    now: () => performance.now(),
    memory: () => ({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes, backend: tf.getBackend() }),
    crash: () => undefined,
  };
  const rt = new ModelRuntime(env);
  await rt.handle({ type: 'init', id: 1, backend: null, baseUrl: SITE });
  const req = sampleParams({ ...DEFAULT_SETTINGS, label: 3, seed: 5, steps: STEPS }, 'models/dit-default-v1', 'same-seed');
  await rt.handle({ type: 'sample', id: 2, ...req });
  await rt.idle();
  const done = posted.find((m) => m.id === 2 && (m.type === 'done' || m.type === 'error'));
  if (done?.type !== 'done') throw new Error(`worker: ${JSON.stringify(done)}`);
  return { images: done.images, labels: done.labels };
}

describe('sampling road: same seed, same picture', () => {
  it('CLI `sample --class 3 --seed 5 --n 16` equals the reverse sampler widget at class 3, seed 5', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'same-seed-')), 'threes.json');
    const args = [
      '--import',
      'tsx',
      'scripts/cli.ts',
      'sample',
      '--model',
      'dit-default-v1',
      '--class',
      '3',
      '--seed',
      '5',
      '--n',
      String(GRID_SAMPLES),
      '--steps',
      String(STEPS),
      '--out',
      out,
    ];
    execFileSync(process.execPath, args, { stdio: 'pipe' });
    const cli = JSON.parse(readFileSync(out, 'utf8')) as { labels: number[]; images: number[][] };
    const worker = await workerImages();
    expect(cli.labels).toEqual(Array.from(worker.labels));
    expect(cli.images.length).toBe(GRID_SAMPLES);
    const side = 32 * 32;
    let worst = 0;
    cli.images.forEach((img, k) => {
      // The CLI writes clip((x + 1) / 2) to 4 decimals; the worker sends the decoder's x in [-1, 1].
      for (let p = 0; p < side; p++) {
        const w = Math.min(1, Math.max(0, (worker.images[k * side + p] + 1) / 2));
        worst = Math.max(worst, Math.abs(img[p] - w));
      }
    });
    expect(worst).toBeLessThan(2e-3);
    // Not trivially equal: the sixteen digits differ from each other.
    expect(cli.images[0].some((v, p) => Math.abs(v - cli.images[1][p]) > 0.1)).toBe(true);
  }, 180_000);
});
