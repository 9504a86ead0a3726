import { describe, it, expect } from 'vitest';
import { betaSchedule, diffusionConstants, scheduleConstants } from '@/lib/diffusion/schedules';

// Reference values computed independently with numpy float64 (np.linspace, np.cumprod), the way the
// official DiT/ADM code builds its schedules.
describe('schedules', () => {
  it('linear-schedule: 1e-4 to 0.02 over T = 1000, alpha_bar_T close to 4.04e-5', () => {
    const c = scheduleConstants('linear');
    expect(c.betas[0]).toBeCloseTo(1e-4, 12);
    expect(c.betas[999]).toBeCloseTo(0.02, 12);
    expect(c.betas[1] - c.betas[0]).toBeCloseTo((0.02 - 1e-4) / 999, 12);
    expect(c.alphasCumprod[499]).toBeCloseTo(0.07858724288177824, 12);
    expect(c.alphasCumprod[999] / 4.035829765375676e-5).toBeCloseTo(1, 10);
    expect(c.logSnr[999]).toBeCloseTo(-10.117673183301035, 9);
  });

  it('linear-schedule: rescaled by 1000 / T for other step counts', () => {
    const b = betaSchedule('linear', 100);
    expect(b[0]).toBeCloseTo(1e-3, 12);
    expect(b[99]).toBeCloseTo(0.2, 12);
  });

  it('scaled-linear-schedule: squares of evenly spaced roots', () => {
    const c = scheduleConstants('scaled-linear');
    expect(c.betas[0]).toBeCloseTo(0.00085, 12);
    expect(c.betas[999]).toBeCloseTo(0.012, 12);
    const mid = (Math.sqrt(0.00085) + Math.sqrt(0.012)) / 2;
    expect(Math.sqrt(c.betas[499]) + Math.sqrt(c.betas[500])).toBeCloseTo(2 * mid, 12);
    expect(c.alphasCumprod[499]).toBeCloseTo(0.27766965045646763, 12);
    expect(c.alphasCumprod[999]).toBeCloseTo(0.004660098513077238, 12);
  });

  it('cosine-schedule: alpha_bar follows cos^2 and the last beta is clipped to 0.999', () => {
    const c = scheduleConstants('cosine');
    const f = (s: number) => Math.cos(((s + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    // Unclipped steps telescope: alpha_bar_t = f(t/T) / f(0).
    for (const i of [0, 10, 499, 900]) expect(c.alphasCumprod[i]).toBeCloseTo(f((i + 1) / 1000) / f(0), 12);
    expect(c.betas[0]).toBeCloseTo(4.128422482196914e-5, 14);
    expect(c.betas[999]).toBe(0.999);
    expect(c.alphasCumprod[499]).toBeCloseTo(0.4938435904406382, 12);
  });

  it('alpha-bar: running product of 1 - beta, with alpha_bar_0 = 1 before the first step', () => {
    const c = diffusionConstants(Float64Array.from([0.1, 0.2, 0.5]));
    expect(Array.from(c.alphasCumprod)).toEqual([0.9, 0.9 * 0.8, 0.9 * 0.8 * 0.5]);
    expect(Array.from(c.alphasCumprodPrev)).toEqual([1, 0.9, 0.9 * 0.8]);
    expect(c.sqrtRecipm1AlphasCumprod[1]).toBeCloseTo(Math.sqrt(1 / 0.72 - 1), 14);
  });

  it('log-snr: decreases monotonically for every schedule', () => {
    for (const name of ['linear', 'scaled-linear', 'cosine'] as const) {
      const { logSnr } = scheduleConstants(name);
      for (let i = 1; i < logSnr.length; i++) expect(logSnr[i]).toBeLessThan(logSnr[i - 1]);
    }
  });

  it('posterior-variance: closed-form coefficients, with posterior-mean', () => {
    const c = scheduleConstants('linear');
    expect(c.posteriorVariance[0]).toBe(0);
    expect(c.posteriorVariance[1]).toBeCloseTo(5.4531876613021935e-5, 16);
    expect(c.posteriorVariance[999]).toBeCloseTo(0.01999998352656061, 14);
    expect(c.posteriorLogVarianceClipped[0]).toBeCloseTo(-9.81672513529567, 10);
    expect(c.posteriorLogVarianceClipped[0]).toBe(c.posteriorLogVarianceClipped[1]);
    // At t = 1 the posterior mean is x_0 itself: coef1 = 1, coef2 = 0.
    expect(c.posteriorMeanCoef1[0]).toBeCloseTo(1, 12);
    expect(c.posteriorMeanCoef2[0]).toBe(0);
    // Posterior variance lies between 0 and beta_t.
    for (let i = 1; i < 1000; i++) expect(c.posteriorVariance[i]).toBeLessThanOrEqual(c.betas[i]);
  });

  it('rejects invalid inputs', () => {
    expect(() => betaSchedule('linear', 0)).toThrow(/positive integer/);
    expect(() => diffusionConstants(Float64Array.from([0.1, 0]))).toThrow(/outside/);
  });
});

describe("chapter 3's q_sigma (DDIM's reverse conditional)", () => {
  it('with sigma_t^2 = posterior variance, its mean is the DDPM posterior mean, at every step of the linear schedule', () => {
    const c = diffusionConstants(betaSchedule('linear', 1000));
    for (const t of [1, 2, 10, 250, 999]) {
      const abar = c.alphasCumprod[t];
      const abarPrev = c.alphasCumprodPrev[t];
      const s2 = c.posteriorVariance[t];
      // q_sigma's mean: sqrt(abarPrev) x0 + sqrt(1 - abarPrev - s2) (x_t - sqrt(abar) x0) / sqrt(1 - abar)
      const onXt = Math.sqrt(Math.max(0, 1 - abarPrev - s2)) / Math.sqrt(1 - abar);
      const onX0 = Math.sqrt(abarPrev) - onXt * Math.sqrt(abar);
      expect(onXt).toBeCloseTo(c.posteriorMeanCoef2[t], 10);
      expect(onX0).toBeCloseTo(c.posteriorMeanCoef1[t], 10);
    }
  });
});
