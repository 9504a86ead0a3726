import { describe, expect, it } from 'vitest';
import {
  bendiness,
  ddimAlphaBars,
  ddimPaths,
  distanceToData,
  EIGHT_GAUSSIANS,
  flowPaths,
  posteriorMean,
  TWO_GAUSSIANS,
  type Point,
} from '@/lib/diffusion/toy2d';
import { spaceTimesteps } from '@/lib/diffusion/spacing';
import { mulberry32, randn } from '@/lib/random';

const starts = (n: number, seed: number): Point[] => {
  const r = randn(2 * n, seed);
  return Array.from({ length: n }, (_, i) => [r[2 * i], r[2 * i + 1]]);
};
const landed = (paths: Point[][]) => paths.filter((p) => distanceToData(EIGHT_GAUSSIANS, p.at(-1)!) < 3).length;

describe('the 2-D toy of chapter 10', () => {
  it('its posterior mean agrees with a Monte Carlo estimate (self-normalised importance sampling)', () => {
    const m = TWO_GAUSSIANS;
    const a = 0.6;
    const b = 0.8;
    const z: Point = [0.4, -0.3];
    const rng = mulberry32(7);
    const g = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    let wx = 0;
    let wy = 0;
    let w = 0;
    for (let i = 0; i < 200_000; i++) {
      const [mx, my] = m.means[i % 2];
      const x: Point = [mx + m.std * g(), my + m.std * g()];
      // weight = q(z | x_0) for z = a x_0 + b eps
      const lw = Math.exp(-((z[0] - a * x[0]) ** 2 + (z[1] - a * x[1]) ** 2) / (2 * b * b));
      wx += lw * x[0];
      wy += lw * x[1];
      w += lw;
    }
    const [px, py] = posteriorMean(m, z, a, b);
    expect(px).toBeCloseTo(wx / w, 2);
    expect(py).toBeCloseTo(wy / w, 2);
  });

  it('with one step both samplers land on the posterior mean of pure noise, near the middle', () => {
    const s = starts(48, 1);
    const f = flowPaths(EIGHT_GAUSSIANS, s, 1).map((p) => p.at(-1)!);
    for (const p of f) expect(Math.hypot(...p)).toBeLessThan(0.5);
    expect(landed(ddimPaths(EIGHT_GAUSSIANS, s, 1))).toBeLessThan(5);
  });

  it('what chapter 10 says: at five steps flow lands most points and DDPM few; at fifty both land nearly all', () => {
    const s = starts(48, 1); // the widget's default noise
    const d5 = landed(ddimPaths(EIGHT_GAUSSIANS, s, 5));
    const f5 = landed(flowPaths(EIGHT_GAUSSIANS, s, 5));
    expect(f5).toBeGreaterThan(48 / 2);
    expect(d5).toBeLessThan(48 / 4);
    expect(landed(ddimPaths(EIGHT_GAUSSIANS, s, 50))).toBeGreaterThan(44);
    expect(landed(flowPaths(EIGHT_GAUSSIANS, s, 50))).toBeGreaterThan(44);
    // "about ten to twenty-five steps" for DDPM to catch up: most land by 25
    expect(landed(ddimPaths(EIGHT_GAUSSIANS, s, 25))).toBeGreaterThan(40);
  });

  it('the step placement chapter 10 quotes: DDPM predicts at 1000, 750, 501, 251, 1 with SNR about 1 at 251; flow at t = 0.2 has SNR 16', () => {
    expect(spaceTimesteps(1000, 5).map((i) => i + 1)).toEqual([1, 251, 501, 750, 1000]);
    const abar = ddimAlphaBars(5)[3];
    expect(abar / (1 - abar)).toBeGreaterThan(0.9);
    expect(abar / (1 - abar)).toBeLessThan(1.2);
    expect((0.8 / 0.2) ** 2).toBe(16);
  });

  it('measures bending: 1 for a straight path, more when it turns', () => {
    expect(
      bendiness([
        [0, 0],
        [1, 1],
        [2, 2],
      ]),
    ).toBeCloseTo(1);
    expect(
      bendiness([
        [0, 0],
        [1, 0],
        [1, 1],
      ]),
    ).toBeCloseTo(2 / Math.SQRT2);
  });
});
