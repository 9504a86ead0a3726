import { describe, expect, test } from 'vitest';
import { averageRanks, spearman } from '@/lib/models/rank-correlation';
import { PAPER_SCALING } from '@/lib/models/paper-results';

describe('spearman rank correlation', () => {
  test('average ranks: ties share the mean of the ranks they span', () => {
    expect(averageRanks([5, 6, 7, 8, 7])).toEqual([1, 2, 3.5, 5, 3.5]);
    expect(averageRanks([3, 3, 3])).toEqual([2, 2, 2]);
    expect(averageRanks([])).toEqual([]);
  });

  test('no ties: equals 1 - 6 sum d^2 / (n (n^2 - 1)), worked by hand', () => {
    // ranks of y: 4, 3, 1, 2; d = -3, -1, 2, 2; sum d^2 = 18; rho = 1 - 108 / 60 = -0.8
    const r = spearman([10, 20, 30, 40], [4, 3, 1, 2]);
    expect(r?.n).toBe(4);
    expect(r?.rho).toBeCloseTo(-0.8, 12);
  });

  test('with a tie, worked by hand: Pearson of the average ranks', () => {
    // rank deviations x: -2 -1 0 1 2; y (ranks 1 2 3.5 5 3.5): -2 -1 0.5 2 0.5
    // sum dx dy = 8, sum dx^2 = 10, sum dy^2 = 9.5: rho = 8 / sqrt(95)
    const r = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]);
    expect(r?.rho).toBeCloseTo(8 / Math.sqrt(95), 12);
    expect(r?.rho).toBeCloseTo(0.8207826816681233, 12);
  });

  test('only ranks matter: any increasing transform gives the same rho; reversal flips its sign', () => {
    const x = [0.97, 3.45, 14.86, 5.51, 20.04, 82.56];
    const y = [300, 210, 150, 220, 160, 90];
    const a = spearman(x, y)!;
    expect(
      spearman(
        x.map(Math.log),
        y.map((v) => v ** 3),
      )!.rho,
    ).toBeCloseTo(a.rho, 12);
    expect(
      spearman(
        x,
        y.map((v) => -v),
      )!.rho,
    ).toBeCloseTo(-a.rho, 12);
    expect(spearman(x, x)!.rho).toBe(1);
  });

  test('undefined cases give null, bad input throws', () => {
    expect(spearman([1, 2], [2, 1])).toBeNull();
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNull();
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow(/3 x values but 2/);
    expect(() => spearman([1, 2, NaN], [1, 2, 3])).toThrow(/finite/);
  });

  test('paper Table 4: FID falls as Gflops grow (rank correlation of the twelve models)', () => {
    const r = spearman(
      PAPER_SCALING.map((m) => m.gflops),
      PAPER_SCALING.map((m) => m.fid),
    )!;
    expect(r.n).toBe(12);
    // No ties, so rho = 1 - 6 sum d^2 / (12 * 143); sum d^2 = 548 gives -131/143 (numpy corrcoef of the ranks agrees).
    expect(r.rho).toBeCloseTo(-131 / 143, 12);
  });
});
