/**
 * The in-browser trainer's recipe: its settings check, the warm-up schedule shared with the
 * command-line recipes, and the speed readout.
 */
import { describe, expect, it } from 'vitest';
import {
  BATCH_CHOICES,
  DEFAULT_TRAINER_SETTINGS,
  LR_CHOICES,
  TRAINER_PRESETS,
  needsReset,
  stepsPerSecond,
  trainerConfig,
  trainerSettingsProblems,
  warmupConstant,
} from '@/lib/train/browser-recipe';
import { warmupConstant as cliWarmupConstant } from '@/lib/train/dit-run';

describe('browser recipe', () => {
  it('the defaults are valid and every offered choice passes the check', () => {
    expect(trainerSettingsProblems(DEFAULT_TRAINER_SETTINGS)).toEqual([]);
    for (const preset of TRAINER_PRESETS)
      for (const batchSize of BATCH_CHOICES)
        for (const lr of LR_CHOICES) {
          expect(trainerSettingsProblems({ ...DEFAULT_TRAINER_SETTINGS, preset, batchSize, lr })).toEqual([]);
        }
  });

  it('rejects what a page must not send, naming each problem', () => {
    expect(trainerSettingsProblems(null)).toEqual(['settings must be an object']);
    const p = trainerSettingsProblems({ ...DEFAULT_TRAINER_SETTINGS, preset: 'DiT-XL/2', batchSize: 48, lr: -1, sampleEvery: 2.5, sampleWeights: 'best' });
    expect(p.join('\n')).toMatch(/preset must be one of/);
    expect(p.join('\n')).toMatch(/batchSize must be one of 16, 32, 64/);
    expect(p.join('\n')).toMatch(/lr must be a number/);
    expect(p.join('\n')).toMatch(/sampleEvery must be an integer/);
    expect(p.join('\n')).toMatch(/sampleWeights/);
    expect(p).toHaveLength(5);
  });

  it('presets are small class-conditional adaLN-Zero DiTs with learned sigma and CFG label dropout', () => {
    for (const preset of TRAINER_PRESETS) {
      const c = trainerConfig(preset);
      expect(c.inputSize).toBe(8);
      expect(c.conditioning).toBe('adaLN-Zero');
      expect(c.learnSigma).toBe(true);
      expect(c.classDropoutProb).toBe(0.1);
      expect(c.numClasses).toBe(10);
    }
  });

  it('warmupConstant: linear warm-up to the peak, then constant, exactly as the command-line recipes', () => {
    const f = warmupConstant(1e-3, 100);
    const g = cliWarmupConstant(1e-3, 100);
    for (const s of [0, 1, 49, 98, 99, 100, 101, 5000]) expect(f(s)).toBeCloseTo(g(s), 15);
    expect(f(0)).toBeCloseTo(1e-5, 15);
    expect(f(99)).toBeCloseTo(1e-3, 15);
    expect(f(100)).toBe(1e-3);
    expect(warmupConstant(2e-3, 0)(0)).toBe(2e-3);
  });

  it('warmupConstant follows a changing peak (the learning-rate slider of a running model)', () => {
    let peak = 1e-3;
    const f = warmupConstant(() => peak, 10);
    expect(f(20)).toBe(1e-3);
    peak = 5e-4;
    expect(f(20)).toBe(5e-4);
    expect(f(4)).toBeCloseTo(2.5e-4, 15);
  });

  it('needsReset: only the settings that change the network, batch or schedule', () => {
    const a = DEFAULT_TRAINER_SETTINGS;
    expect(needsReset(a, { ...a, lr: 5e-3, sampleWeights: 'raw', guidanceScale: 1, sampleEvery: 50 })).toBe(false);
    expect(needsReset(a, { ...a, preset: 'DiT-mini-S/2' })).toBe(true);
    expect(needsReset(a, { ...a, batchSize: 16 })).toBe(true);
  });

  it('stepsPerSecond averages the recent step durations', () => {
    expect(stepsPerSecond([])).toBeNull();
    expect(stepsPerSecond([100, 100, 100, 100])).toBeCloseTo(10, 10);
    expect(stepsPerSecond([1000, 1000, 250, 250], 2)).toBeCloseTo(4, 10);
  });
});
