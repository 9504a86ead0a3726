/** The loss chart's numbers: bias-corrected smoothing and binning. */
import { describe, expect, it } from 'vitest';
import { binned, meanOf, smoothed } from '@/lib/train/loss-curve';

describe('loss curve', () => {
  it('smoothed: a constant stays that constant from the first value (bias correction)', () => {
    const s = smoothed([2, 2, 2, 2], 0.9);
    for (const v of s) expect(v).toBeCloseTo(2, 12);
  });

  it('smoothed: matches the recurrence by hand and skips non-finite values', () => {
    const s = smoothed([1, 3, NaN, 5], 0.5);
    // s1 = 0.5 -> 0.5 / 0.5 = 1; s2 = 0.25 + 1.5 = 1.75 -> 1.75 / 0.75; NaN repeats; s3 = 0.875 + 2.5 = 3.375 -> / 0.875
    expect(s[0]).toBeCloseTo(1, 12);
    expect(s[1]).toBeCloseTo(1.75 / 0.75, 12);
    expect(s[2]).toBeCloseTo(1.75 / 0.75, 12);
    expect(s[3]).toBeCloseTo(3.375 / 0.875, 12);
    expect(Number.isNaN(smoothed([NaN, 1])[0])).toBe(true);
    expect(() => smoothed([1], 1)).toThrow(/beta/);
  });

  it('binned: short series pass through, long ones become at most maxBins means', () => {
    expect(binned([1, 2, 3], [4, 5, 6], 10)).toEqual([
      { step: 1, value: 4 },
      { step: 2, value: 5 },
      { step: 3, value: 6 },
    ]);
    const steps = Array.from({ length: 1000 }, (_, i) => i + 1);
    const b = binned(
      steps,
      steps.map((s) => 2 * s),
      100,
    );
    expect(b).toHaveLength(100);
    expect(b[0]).toEqual({ step: 5.5, value: 11 });
    expect(b[99].step).toBeCloseTo(995.5, 10);
    for (const p of b) expect(p.value).toBeCloseTo(2 * p.step, 10);
  });

  it('meanOf: mean of a range of finite values', () => {
    expect(meanOf([1, 2, 3, 4], 1, 3)).toBe(2.5);
    expect(meanOf([NaN, 4])).toBe(4);
    expect(Number.isNaN(meanOf([], 0, 0))).toBe(true);
  });
});
