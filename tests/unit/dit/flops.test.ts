import { describe, it, expect } from 'vitest';
import { PRESETS, PAPER_MODELS, DEFAULT_MINI, getPreset, validateConfig, CONDITIONINGS, type DiTConfig } from '@/lib/dit/config';
import { countFlops, gflops, params } from '@/lib/dit/flops';
import { PAPER_CONDITIONING, PAPER_SCALING } from '@/lib/models/paper-results';

describe('flops and parameter counting', () => {
  it('has the twelve paper models and a mini family', () => {
    expect(PAPER_MODELS).toHaveLength(12);
    for (const n of PAPER_MODELS) expect(PRESETS[n]).toBeDefined();
    for (const s of ['S', 'B', 'L']) for (const p of [1, 2, 4]) expect(PRESETS[`DiT-mini-${s}/${p}`].inputSize).toBe(8);
    expect(PRESETS[DEFAULT_MINI]).toMatchObject({ patchSize: 2, hiddenSize: 128, depth: 6, numHeads: 4, inChannels: 4, numClasses: 10 });
    for (const c of Object.values(PRESETS)) expect(() => validateConfig(c)).not.toThrow();
  });

  it('the paper table lists the twelve models of the presets', () => {
    expect(PAPER_SCALING.map((r) => `DiT-${r.model}`).sort()).toEqual([...PAPER_MODELS].sort());
  });

  for (const { model, gflops: g, paramsM: pm } of PAPER_SCALING) {
    it(`reproduces paper Table 4 for DiT-${model} within 1%`, () => {
      const c = getPreset(`DiT-${model}`);
      expect(Math.abs(gflops(c) / g - 1)).toBeLessThan(0.01);
      expect(Math.abs(params(c) / 1e6 / pm - 1)).toBeLessThan(0.01);
    });
  }

  for (const { conditioning: kind, gflops: g, paramsM: pm } of PAPER_CONDITIONING) {
    it(`reproduces the ${kind} block of DiT-XL/2 within 1%`, () => {
      const c: DiTConfig = { ...getPreset('DiT-XL/2'), conditioning: kind };
      expect(Math.abs(gflops(c) / g - 1)).toBeLessThan(0.01);
      expect(Math.abs(params(c) / 1e6 / pm - 1)).toBeLessThan(0.01);
    });
  }

  it('cross-attention costs about 15% more than adaLN-Zero (paper section 5)', () => {
    const xl = getPreset('DiT-XL/2');
    const r = gflops({ ...xl, conditioning: 'cross-attention' }) / gflops(xl);
    expect(r).toBeGreaterThan(1.13);
    expect(r).toBeLessThan(1.18);
  });

  it('halving p at least quadruples Gflops and barely changes parameters', () => {
    for (const s of ['S', 'B', 'L', 'XL']) {
      const [a, b, c] = [8, 4, 2].map((p) => getPreset(`DiT-${s}/${p}`));
      expect(gflops(b) / gflops(a)).toBeGreaterThanOrEqual(3.9);
      expect(gflops(c) / gflops(b)).toBeGreaterThanOrEqual(4);
      expect(Math.abs(params(c) / params(a) - 1)).toBeLessThan(0.01);
    }
  });

  it('counts the default mini model exactly (closed form)', () => {
    const c = getPreset(DEFAULT_MINI);
    const D = 128;
    const perBlock = 18 * D * D + 15 * D; // qkv 3D^2+3D, proj D^2+D, MLP 8D^2+5D, adaLN 6D^2+6D
    const expected = 6 * perBlock + (16 * D + D) + (256 * D + D + D * D + D) + 11 * D + (D * 2 * D + 2 * D) + (D * 32 + 32);
    expect(params(c)).toBe(expected);
    expect(params(c)).toBe(1_871_136);
    expect(params(c, { includeFrozen: true })).toBe(1_871_136 + 16 * D);
    const f = countFlops(c);
    expect(f.perBlock.qkvProj).toBe(4 * 16 * D * D);
    expect(f.perBlock.attnMatrices).toBe(2 * 16 * 16 * D);
    expect(f.total).toBe(f.patchEmbed + f.timestepEmbed + f.blocks + f.finalLayer);
  });

  it('rejects an invalid configuration with a message naming the field', () => {
    expect(() => gflops({ ...getPreset('DiT-S/2'), patchSize: 3 })).toThrow(/not divisible by patchSize/);
    expect(() => gflops({ ...getPreset('DiT-S/2'), conditioning: 'film' as never })).toThrow(/conditioning must be one of/);
    expect(() => getPreset('DiT-Q/2')).toThrow(/unknown DiT preset/);
    expect(CONDITIONINGS).toHaveLength(4);
  });
});
