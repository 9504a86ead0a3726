/** The quantisation rule of lib/train/dit-ship.ts: which storage changes count as measurable. */
import { describe, it, expect } from 'vitest';
import { quantizationVerdict, quantizationCandidates } from '@/lib/train/dit-ship';
import { getDiTRecipe } from '@/lib/train/dit-recipes';

/** n draws for balanced labels; the first `onlyRef` are right only under float32, the next `onlyQ` only quantised. */
function verdicts(n: number, onlyRef: number, onlyQ: number): { labels: Int32Array; ref: Int32Array; q: Int32Array } {
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
  const ref = Int32Array.from(labels);
  const q = Int32Array.from(labels);
  for (let i = 0; i < onlyRef; i++) q[i] = (labels[i] + 1) % 10;
  for (let i = onlyRef; i < onlyRef + onlyQ; i++) ref[i] = (labels[i] + 1) % 10;
  return { labels, ref, q };
}

describe('quantizationVerdict', () => {
  it('two net flips in 250 draws are not measurable (p = 0.5)', () => {
    const { labels, ref, q } = verdicts(250, 2, 0);
    const v = quantizationVerdict(labels, { predicted: ref, fld: 100 }, { predicted: q, fld: 101 });
    expect(v).toMatchObject({ measurable: false, onlyRef: 2, onlyQuantized: 0 });
    expect(v.pValue).toBeCloseTo(0.5, 12);
    expect(v.accuracyChange).toBeCloseTo(-0.008, 12);
    expect(v.fldChange).toBeCloseTo(0.01, 12);
  });
  it('six one-sided flips in 1,000 draws are measurable by the paired test (p = 0.031)', () => {
    const { labels, ref, q } = verdicts(1000, 6, 0);
    const v = quantizationVerdict(labels, { predicted: ref, fld: 100 }, { predicted: q, fld: 100 });
    expect(v.pValue).toBeCloseTo(0.03125, 12);
    expect(v.measurable).toBe(true);
  });
  it("only a cost counts: B/1's uint8 with 3 more draws right of 250 (p = 0.25) and a lower FLD is not measurable", () => {
    const { labels, ref, q } = verdicts(250, 0, 3);
    const v = quantizationVerdict(labels, { predicted: ref, fld: 100 }, { predicted: q, fld: 97 });
    expect(v).toMatchObject({ measurable: false, onlyRef: 0, onlyQuantized: 3 });
    expect(v.pValue).toBeCloseTo(0.25, 12);
    expect(v.accuracyChange).toBeCloseTo(0.012, 12);
    expect(v.fldChange).toBeCloseTo(-0.03, 12);
    // The same flips the other way are a cost of 1.2 points.
    expect(quantizationVerdict(...args(250, 3, 0)).measurable).toBe(true);
    // Six one-sided gains in 1,000 draws: significant, but not a cost.
    expect(quantizationVerdict(...args(1000, 0, 6)).measurable).toBe(false);
  });
  it('balanced flips cancel; more than 1 point net is measurable even where the test is weak', () => {
    expect(quantizationVerdict(...args(250, 6, 5)).measurable).toBe(false);
    const v = quantizationVerdict(...args(250, 4, 0)); // p = 0.125, but 1.6 points
    expect(v.pValue).toBeGreaterThan(0.05);
    expect(v.measurable).toBe(true);
  });
  it('an FLD move over 2 % is measurable', () => {
    const { labels, ref } = verdicts(250, 0, 0);
    expect(quantizationVerdict(labels, { predicted: ref, fld: 100 }, { predicted: ref, fld: 102.5 }).measurable).toBe(true);
    expect(quantizationVerdict(labels, { predicted: ref, fld: 100 }, { predicted: ref, fld: 98.5 }).measurable).toBe(false);
  });
  it('the site default tries float16 only; the others uint8 first', () => {
    expect(quantizationCandidates(getDiTRecipe('default'))).toEqual(['float16']);
    expect(quantizationCandidates(getDiTRecipe('scale-l-p2'))).toEqual(['uint8', 'float16']);
  });
});

function args(n: number, onlyRef: number, onlyQ: number): Parameters<typeof quantizationVerdict> {
  const { labels, ref, q } = verdicts(n, onlyRef, onlyQ);
  return [labels, { predicted: ref, fld: 100 }, { predicted: q, fld: 100 }];
}
