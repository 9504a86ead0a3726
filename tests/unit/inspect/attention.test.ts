import { describe, expect, it } from 'vitest';
import { attentionMatrix, attentionRow, headMeanRow, meanDistance, rowEntropy, summarize, uniformDistance } from '@/lib/inspect/attention';

const d = { depth: 2, heads: 3, tokens: 16 };

/** A synthetic (L, H, T, T): block 0 uniform; block 1 head h reads the token h+1 to the right (wrapping). */
function synthetic(): Float32Array {
  const a = new Float32Array(d.depth * d.heads * d.tokens * d.tokens);
  for (let h = 0; h < d.heads; h++) {
    for (let q = 0; q < d.tokens; q++) {
      for (let k = 0; k < d.tokens; k++) a[((0 * d.heads + h) * d.tokens + q) * d.tokens + k] = 1 / 16;
      const key = Math.floor(q / 4) * 4 + (((q % 4) + h + 1) % 4);
      a[((1 * d.heads + h) * d.tokens + q) * d.tokens + key] = 1;
    }
  }
  return a;
}

describe('attention maps: reading rows', () => {
  it('attention: rows, matrices and the head mean index [block][head][query][key] and sum to one', () => {
    const a = synthetic();
    expect(attentionMatrix(a, d, 1, 2).length).toBe(256);
    const row = attentionRow(a, d, 1, 0, 5);
    expect(row[6]).toBe(1);
    const mean = headMeanRow(a, d, 1, 5);
    expect(Array.from(mean).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
    expect(mean[6]).toBeCloseTo(1 / 3, 6);
    expect(mean[7]).toBeCloseTo(1 / 3, 6);
    expect(mean[4]).toBeCloseTo(1 / 3, 6);
    expect(() => attentionRow(a, d, 2, 0, 0)).toThrow();
  });

  it('entropy is 0 for one key and log 16 = 2.77 nats for a uniform row', () => {
    expect(rowEntropy(new Float32Array(16).fill(1 / 16))).toBeCloseTo(Math.log(16), 6);
    expect(rowEntropy(Float32Array.from({ length: 16 }, (_, k) => (k === 3 ? 1 : 0)))).toBe(0);
  });

  it('mean attention distance: 0 on itself; uniform rows give 2.41 for a corner and 1.59 for token 5 (chapter 8)', () => {
    const uniform = new Float32Array(16).fill(1 / 16);
    expect(
      meanDistance(
        Float32Array.from({ length: 16 }, (_, k) => (k === 5 ? 1 : 0)),
        5,
        4,
      ),
    ).toBe(0);
    expect(meanDistance(uniform, 0, 4)).toBeCloseTo(2.41, 2);
    expect(meanDistance(uniform, 5, 4)).toBeCloseTo(1.59, 2);
    expect(uniformDistance(4)).toBeGreaterThan(1.59);
    expect(uniformDistance(4)).toBeLessThan(2.41);
  });

  it('summaries find a shift head: its entropy is 0 and every query reads the same offset', () => {
    const s = summarize(synthetic(), d);
    expect(s.length).toBe(6);
    expect(s[0].entropy).toBeCloseTo(Math.log(16), 5);
    expect(s[3].entropy).toBe(0);
    // Block 1, head 0: one to the right for queries in columns 0-2 (12 of 16), wrapping for column 3.
    expect(s[3].offset).toEqual({ di: 0, dj: 1, share: 12 / 16 });
  });
});
