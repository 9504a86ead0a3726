import { describe, it, expect } from 'vitest';
import { decodeDigits, encodeDigits, paddedBatch, stratifiedSplit, subset } from '@/lib/data/mnist';
import { loadMnistFromPackage, loadMnistSplit } from '@/lib/data/node';

describe('mnist data', () => {
  const all = loadMnistFromPackage();

  it('loads the 10,000 labelled digits of the mnist package', () => {
    expect(all.count).toBe(10000);
    const counts = new Array(10).fill(0);
    all.labels.forEach((l) => counts[l]++);
    expect(counts.every((c) => c > 800)).toBe(true);
    expect(counts.reduce((a, b) => a + b)).toBe(10000);
    // Real handwriting: mostly background with some ink per digit.
    const first = all.pixels.subarray(0, 784);
    const ink = first.filter((v) => v > 128).length;
    expect(ink).toBeGreaterThan(40);
    expect(ink).toBeLessThan(400);
  });

  it('split is stratified, disjoint, complete and deterministic', () => {
    const a = stratifiedSplit(all.labels);
    const b = stratifiedSplit(all.labels);
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(a.train.length + a.test.length).toBe(10000);
    expect(new Set([...a.train, ...a.test]).size).toBe(10000);
    for (let c = 0; c < 10; c++) {
      const n = all.labels.filter((l) => l === c).length;
      const nTest = Array.from(a.test).filter((i) => all.labels[i] === c).length;
      expect(nTest).toBe(Math.round(n * 0.1));
    }
    const other = stratifiedSplit(all.labels, 0.1, 7);
    expect(Array.from(other.test)).not.toEqual(Array.from(a.test));
  });

  it('binary container round-trips and rejects corrupt files', () => {
    const small = subset(all, [0, 5000, 9999]);
    const bytes = encodeDigits(small);
    expect(bytes.length).toBe(12 + 3 * 785);
    const back = decodeDigits(bytes.buffer.slice(0) as ArrayBuffer);
    expect(Array.from(back.labels)).toEqual(Array.from(small.labels));
    expect(Array.from(back.pixels)).toEqual(Array.from(small.pixels));
    expect(() => decodeDigits(bytes.slice(0, bytes.length - 1))).toThrow(/truncated/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => decodeDigits(bad)).toThrow(/magic/);
  });

  it('pads to 32x32 and scales to [-1, 1]', () => {
    const x = paddedBatch(all, [0, 1]);
    expect(x.length).toBe(2 * 1024);
    expect(x[0]).toBe(-1); // padding
    let min = Infinity,
      max = -Infinity;
    for (const v of x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(-1);
    expect(max).toBeGreaterThan(0.9);
    // Pixel (r, c) of the digit lands at (r + 2, c + 2).
    const r = 14,
      c = 14;
    expect(x[(r + 2) * 32 + (c + 2)]).toBeCloseTo((all.pixels[r * 28 + c] / 255) * 2 - 1, 6);
  });

  it('loadMnistSplit gives 9,001 train and 999 test digits (10% of each class, rounded)', () => {
    const s = loadMnistSplit();
    expect(s.trainSet.count).toBe(9001);
    expect(s.testSet.count).toBe(999);
    expect(Array.from(s.testSet.labels)).toEqual(Array.from(s.test).map((i) => s.all.labels[i]));
  });
});
