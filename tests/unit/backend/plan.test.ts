import { describe, it, expect } from 'vitest';
import { isSoftwareRenderer, MAX_THREADS, parseBackendOverride, parseThreadsOverride, planBackends, type BackendProbe } from '@/lib/backend/plan';

const none: BackendProbe = { webgpu: { available: false }, webgl: { available: false }, wasm: { available: false } };

describe('backend choice', () => {
  it('prefers WebGPU only on a hardware adapter', () => {
    const p: BackendProbe = { ...none, webgpu: { available: true, software: false }, webgl: { available: true }, wasm: { available: true } };
    expect(planBackends(p).order).toEqual(['webgpu', 'wasm', 'cpu']);
  });

  it('skips software WebGPU and WebGL (SwiftShader) for WASM', () => {
    const p: BackendProbe = {
      webgpu: { available: true, software: true },
      webgl: { available: true, software: isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))'), renderer: 'SwiftShader' },
      wasm: { available: true, simd: true },
    };
    const plan = planBackends(p);
    expect(plan.order).toEqual(['wasm', 'cpu']);
    expect(plan.reason).toMatch(/no hardware GPU/);
  });

  it('uses hardware WebGL when WebGPU is software-only, and says why', () => {
    const p: BackendProbe = {
      webgpu: { available: true, software: true },
      webgl: { available: true, software: false, renderer: 'ANGLE (NVIDIA)' },
      wasm: { available: true },
    };
    const plan = planBackends(p);
    expect(plan.order).toEqual(['webgl', 'wasm', 'cpu']);
    expect(plan.reason).toMatch(/software adapter/);
  });

  it('falls back to CPU when nothing else exists', () => {
    expect(planBackends(none).order).toEqual(['cpu']);
  });

  it('reads ?threads= as a whole number from 1 to MAX_THREADS, and nothing else', () => {
    expect(parseThreadsOverride('?backend=wasm&threads=2')).toBe(2);
    expect(parseThreadsOverride(`?threads=${MAX_THREADS}`)).toBe(MAX_THREADS);
    for (const bad of [
      '',
      '?threads=0',
      `?threads=${MAX_THREADS + 1}`,
      '?threads=1.5',
      '?threads=-2',
      '?threads=02',
      '?threads=two',
      '?threads=1e1',
      '?threads=%202',
    ])
      expect(parseThreadsOverride(bad), bad).toBeNull();
  });

  it('honours ?backend= and keeps fallbacks after it', () => {
    expect(parseBackendOverride('?backend=webgpu')).toBe('webgpu');
    expect(parseBackendOverride('?backend=tpu')).toBeNull();
    expect(parseBackendOverride('')).toBeNull();
    const p: BackendProbe = { ...none, wasm: { available: true } };
    const plan = planBackends(p, 'webgpu');
    expect(plan.order).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(plan.reason).toMatch(/forced/);
  });

  it('recognises software renderers', () => {
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (Apple, Apple M2, OpenGL 4.1)')).toBe(false);
    expect(isSoftwareRenderer(undefined)).toBe(false);
  });
});
