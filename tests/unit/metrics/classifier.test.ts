import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { DigitClassifier, CLASSIFIER_V1, classifierShapes, classifyImages, countClassifierParameters, classifierFlopsPerImage } from '@/lib/metrics/classifier';
import { randomShift, classifierTask } from '@/lib/metrics/task';
import { TrainRng } from '@/lib/train/rng';
import { Trainer } from '@/lib/train/loop';
import type { DigitSet } from '@/lib/data/mnist';

describe('evaluation classifier', () => {
  beforeAll(async () => {
    await setNodeBackend('wasm');
  });

  it('has PyTorch-style weights, 128 penultimate features and 10 logits, without leaking', () => {
    const s = classifierShapes(CLASSIFIER_V1);
    expect(s['fc1.weight']).toEqual([128, 1024]);
    expect(s['features.down.0.weight']).toEqual([32, 16, 2, 2]);
    expect(countClassifierParameters(CLASSIFIER_V1)).toBeGreaterThan(100_000);
    expect(classifierFlopsPerImage(CLASSIFIER_V1)).toBeGreaterThan(2 * 1024 * 128);
    const m = new DigitClassifier(CLASSIFIER_V1, 1);
    const before = tf.memory().numTensors;
    const out = classifyImages(m, (a, b) => new Float32Array((b - a) * 1024).fill(-1), 5, 2);
    expect(out.features.length).toBe(5 * 128);
    expect(out.predicted.length).toBe(5);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => m.forward(tf.zeros([1, 28, 28, 1]))).toThrow(/32, 32, 1/);
    m.dispose();
  });

  it('randomShift moves a digit by at most 2 pixels and keeps the background', () => {
    const img = new Float32Array(1024).fill(-1);
    img[16 * 32 + 16] = 1;
    const rng = new TrainRng(3);
    for (let k = 0; k < 20; k++) {
      const out = randomShift(img, rng, 2);
      const at = out.indexOf(1);
      const r = Math.floor(at / 32),
        c = at % 32;
      expect(Math.abs(r - 16)).toBeLessThanOrEqual(2);
      expect(Math.abs(c - 16)).toBeLessThanOrEqual(2);
      expect(out.filter((v) => v === -1).length).toBe(1023);
    }
  });

  it('learns two synthetic classes in a few steps', async () => {
    // Class 0: a bright left half; class 1: a bright right half.
    const n = 16;
    const pixels = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) pixels[i * 784 + r * 28 + c] = c < 14 === (i % 2 === 0) ? 255 : 0;
    }
    const data: DigitSet = { count: n, labels, pixels };
    const m = new DigitClassifier(CLASSIFIER_V1, 2);
    const tr = new Trainer(classifierTask(m, data, 0), { seed: 1, batchSize: 8, totalSteps: 12, lr: 3e-3 });
    await tr.run();
    expect(tr.lossLog[tr.lossLog.length - 1].loss).toBeLessThan(tr.lossLog[0].loss * 0.5);
    tr.dispose();
    m.dispose();
  }, 120_000);
});
