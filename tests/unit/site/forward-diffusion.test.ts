import { describe, expect, test } from 'vitest';
import { randn } from '@/lib/random';
import { scheduleConstants } from '@/lib/diffusion/schedules';
import { histogram, meanStd, normalPdf } from '@/components/widgets/ForwardDiffusion/forward-diffusion';
import { MAX_SEED, rerollSeed } from '@/lib/sample/settings';
import { qSampleInto } from '@/lib/diffusion/schedules';
import { toRgba } from '@/components/widgets/shared/pixels';
import { formatValue } from '@/components/widgets/shared/format';

describe('forward-diffusion widget arithmetic', () => {
  test('q-sample: x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, element by element', () => {
    const c = scheduleConstants('linear');
    const x0 = Float32Array.from({ length: 1024 }, (_, i) => (i % 7) / 3 - 1);
    const eps = randn(1024, 5);
    for (const t of [1, 500, 1000]) {
      const sa = c.sqrtAlphasCumprod[t - 1];
      const s1a = c.sqrtOneMinusAlphasCumprod[t - 1];
      const xt = qSampleInto(new Float32Array(1024), x0, eps, sa, s1a);
      for (const i of [0, 1, 511, 1023]) expect(xt[i]).toBeCloseTo(sa * x0[i] + s1a * eps[i], 6);
    }
  });

  test('q-sample: at t = T of the linear schedule x_t is nearly standard normal whatever x_0 is', () => {
    const c = scheduleConstants('linear');
    const x0 = new Float32Array(4096).fill(-1); // a blank MNIST background
    const xt = qSampleInto(new Float32Array(4096), x0, randn(4096, 11), c.sqrtAlphasCumprod[999], c.sqrtOneMinusAlphasCumprod[999]);
    const { mean, std } = meanStd(xt);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
  });

  test('histogram densities integrate to the share of values inside the range', () => {
    const h = histogram([-5, -1, -0.9, 0, 0.5, 3.99, 4], -4, 4, 8);
    expect(h.outside).toBe(2); // -5 and 4 (the upper edge is open)
    const mass = h.density.reduce((a, d) => a + d * h.binWidth, 0);
    expect(mass).toBeCloseTo(5 / 7, 12);
    expect(h.density[3]).toBeCloseTo(2 / (7 * 1), 12); // -1 and -0.9 share the bin [-1, 0)
  });

  test('a large standard normal sample matches the N(0, 1) density', () => {
    const h = histogram(randn(200_000, 3), -4, 4, 40);
    h.density.forEach((d, k) => expect(Math.abs(d - normalPdf(h.lo + (k + 0.5) * h.binWidth))).toBeLessThan(0.02));
  });

  test('pixels: [-1, 1] maps to 0..255 with clipping; seeds advance', () => {
    const rgba = toRgba(Float32Array.from([-1, 0, 1, 3, -7]), new Uint8ClampedArray(20));
    expect([rgba[0], rgba[4], rgba[8], rgba[12], rgba[16]]).toEqual([0, 128, 255, 255, 0]);
    expect(rgba[3]).toBe(255);
    expect(rerollSeed(1)).not.toBe(1);
    expect(rerollSeed(rerollSeed(1))).not.toBe(rerollSeed(1));
    for (const s of [0, 1, MAX_SEED, 123456]) expect(rerollSeed(s)).toBeLessThanOrEqual(MAX_SEED);
  });

  test('readout numbers: four significant digits, exponents for tiny values', () => {
    expect(formatValue(0.02)).toBe('0.02000');
    expect(formatValue(4.0358e-5)).toBe('4.04e-5');
    expect(formatValue(-2.4619)).toBe('-2.462');
    expect(formatValue(0)).toBe('0');
  });
});
