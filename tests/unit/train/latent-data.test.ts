/**
 * Digits -> the DiT's training latents with the shipped VAE (Eq. vae-scale), as the in-browser
 * trainer does it: the same numbers as calling the encoder directly, in any batch size, and no leaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { loadMnistSplit } from '@/lib/data/node';
import { paddedBatch, subset } from '@/lib/data/mnist';
import { classCounts, encodeDigitSet } from '@/lib/train/latent-data';
import { loadTrainerVae, type LoadedTrainerVae } from '@/lib/load/trainer-loaders';
import { fileFetch, SITE } from '../runtime/trainer-helpers';

let v: LoadedTrainerVae;

beforeAll(async () => {
  await setNodeBackend('wasm');
  v = await loadTrainerVae(SITE, { fetch: fileFetch, cache: null });
});

afterAll(() => v?.vae.dispose());

describe('encodeDigitSet', () => {
  const { trainSet } = loadMnistSplit();
  const set = subset(
    trainSet,
    Array.from({ length: 23 }, (_, i) => i * 389),
  );

  it('vae-scale: scaled posterior mean and std equal the encoder times the scale factor', async () => {
    const d = await encodeDigitSet(v.vae, set, v.scaleFactor, { batch: 10 });
    expect(d.count).toBe(23);
    expect(d.size).toBe(8);
    expect(d.channels).toBe(4);
    expect(Array.from(d.labels)).toEqual(Array.from(set.labels));
    const [mean, std] = tf.tidy(() => {
      const p = v.vae.encode(
        tf.tensor4d(
          paddedBatch(
            set,
            Int32Array.from({ length: 23 }, (_, i) => i),
          ),
          [23, 32, 32, 1],
        ),
      );
      return [tf.mul(p.mean, v.scaleFactor).dataSync(), tf.mul(tf.exp(tf.mul(p.logvar, 0.5)), v.scaleFactor).dataSync()];
    });
    let worst = 0;
    for (let i = 0; i < mean.length; i++) worst = Math.max(worst, Math.abs(mean[i] - d.mean[i]), Math.abs(std[i] - d.std![i]));
    expect(worst).toBeLessThan(1e-5);
    // The scale factor makes the latents roughly unit-variance (it is 1 / std of the training latents).
    const m = d.mean.reduce((a, x) => a + x, 0) / d.mean.length;
    const sd = Math.sqrt(d.mean.reduce((a, x) => a + (x - m) ** 2, 0) / d.mean.length);
    expect(sd).toBeGreaterThan(0.6);
    expect(sd).toBeLessThan(1.5);
    expect(Math.max(...d.std!)).toBeLessThan(1);
  });

  it('reports progress per batch, yields between batches and leaks no tensors', async () => {
    const progress: number[] = [];
    let yields = 0;
    const before = tf.memory().numTensors;
    await encodeDigitSet(v.vae, set, v.scaleFactor, {
      batch: 10,
      onProgress: (done) => progress.push(done),
      between: async () => {
        yields++;
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(progress).toEqual([10, 20, 23]);
    expect(yields).toBe(2);
  });

  it('rejects a scale factor that is not positive', async () => {
    await expect(encodeDigitSet(v.vae, set, 0)).rejects.toThrow(/scale factor/);
  });

  it('classCounts counts each digit', () => {
    expect(classCounts([0, 1, 1, 9, 9, 9])).toEqual([1, 2, 0, 0, 0, 0, 0, 0, 0, 3]);
  });
});
