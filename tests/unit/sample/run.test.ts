import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { classifierFreeGuidance } from '@/lib/diffusion/guidance';
import { guidedNet, randomLabel, SamplingRun, type SamplingSpec } from '@/lib/sample/run';
import { tinySamplerModel } from '../runtime/helpers';

beforeAll(async () => {
  await setNodeBackend('wasm');
});

const base: SamplingSpec = { labels: [3, 7], seeds: [11, 12], steps: 6, sampler: 'ddim', eta: 0, guidanceScale: 1, cfgChannels: 'all', traceIndex: 0 };

async function runAll(p: SamplingSpec, seed = 1): Promise<{ images: Float32Array; steps: number }> {
  const { model, dit } = tinySamplerModel(seed);
  const run = new SamplingRun(model, p);
  let steps = 0;
  try {
    while (!run.done) {
      await run.step(false);
      steps++;
    }
    return { images: (await run.finish()).images, steps };
  } finally {
    run.dispose();
    dit.dispose();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('sampling road: the run', () => {
  it('cfg: per-sample scales match classifierFreeGuidance for one scale, both channel modes', () => {
    const { model, dit } = tinySamplerModel();
    try {
      for (const mode of ['all', 'first3'] as const) {
        const diff = tf.tidy(() => {
          const x = tf.randomNormal([3, 8, 8, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
          const t = tf.tensor1d([10, 500, 990], 'int32');
          const y = tf.tensor1d([1, 2, 3], 'int32');
          const ours = guidedNet(model, Float32Array.from([4, 4, 4]), mode)(x, t, y);
          const ref = classifierFreeGuidance(model.forward, { scale: 4, mode, numClasses: 10 })(x, t, y);
          expect(ours.shape).toEqual([3, 8, 8, 8]);
          return tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0];
        });
        expect(diff).toBeLessThan(1e-5);
      }
    } finally {
      dit.dispose();
    }
  });

  it('cfg: scale 1 everywhere is the conditional model without the doubled batch', () => {
    const { model, dit } = tinySamplerModel();
    let calls: number[] = [];
    const spy = { ...model, forward: (x: tf.Tensor4D, t: tf.Tensor1D, y: tf.Tensor1D) => (calls.push(x.shape[0]), model.forward(x, t, y)) };
    try {
      tf.tidy(() => {
        const x = tf.zeros([2, 8, 8, 4]) as tf.Tensor4D;
        const t = tf.tensor1d([3, 3], 'int32');
        const y = tf.tensor1d([0, 1], 'int32');
        guidedNet(spy, Float32Array.from([1, 1]), 'all')(x, t, y);
        expect(calls).toEqual([2]);
        calls = [];
        guidedNet(spy, Float32Array.from([1, 3]), 'all')(x, t, y);
        expect(calls).toEqual([4]);
      });
    } finally {
      dit.dispose();
    }
  });

  it('a seed gives the same sample alone or in a batch, and runs are reproducible (DDPM)', async () => {
    const p: SamplingSpec = { ...base, sampler: 'ddpm', labels: [3, 7, 1], seeds: [11, 12, 13], guidanceScale: 2 };
    const batch = await runAll(p);
    const again = await runAll(p);
    const alone = await runAll({ ...p, labels: [7], seeds: [12], traceIndex: 0 });
    expect(batch.steps).toBe(6);
    expect(maxAbsDiff(batch.images, again.images)).toBe(0);
    const s = 32 * 32;
    expect(maxAbsDiff(batch.images.subarray(s, 2 * s), alone.images)).toBeLessThan(1e-4);
    // Different seeds give different pictures.
    expect(maxAbsDiff(batch.images.subarray(0, s), batch.images.subarray(s, 2 * s))).toBeGreaterThan(1e-3);
  });

  it('guidance sweep: the same seed under different scales starts from the same x_T but ends elsewhere', async () => {
    const { images } = await runAll({ ...base, labels: [5, 5, 5], seeds: [42, 42, 42], guidanceScale: [1, 1, 6] });
    const s = 32 * 32;
    expect(maxAbsDiff(images.subarray(0, s), images.subarray(s, 2 * s))).toBeLessThan(1e-5);
    expect(maxAbsDiff(images.subarray(0, s), images.subarray(2 * s, 3 * s))).toBeGreaterThan(1e-4);
  });

  it('streams the traced sample and the grid with the right sizes, and frees every tensor', async () => {
    const { model, dit } = tinySamplerModel();
    const before = tf.memory().numTensors;
    const run = new SamplingRun(model, { ...base, traceIndex: 1, guidanceScale: 3, sampler: 'ddim', eta: 0.5 });
    try {
      const a = await run.step(true);
      expect(a.step).toBe(0);
      expect(a.totalSteps).toBe(6);
      expect(a.t).toBe(999);
      expect(a.xt.length).toBe(32 * 32);
      expect(a.grid.length).toBe(2 * 32 * 32);
      expect(Array.from(a.x0)).toEqual(Array.from(a.grid.subarray(32 * 32)));
      const b = await run.step(false);
      expect(b.grid.length).toBe(0);
      expect(b.x0.length).toBe(32 * 32);
      while (!run.done) await run.step(false);
      const fin = await run.finish();
      expect(fin.images.length).toBe(2 * 32 * 32);
      expect(fin.images.every(Number.isFinite)).toBe(true);
    } finally {
      run.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    dit.dispose();
  });

  it('random labels resolve from the seed, within the classes', () => {
    const seen = new Set<number>();
    for (let s = 0; s < 200; s++) {
      const l = randomLabel(s, 10);
      expect(l).toBe(randomLabel(s, 10));
      expect(l >= 0 && l < 10).toBe(true);
      seen.add(l);
    }
    expect(seen.size).toBe(10);
  });
});
