/**
 * Every shipped DiT manifest (public/models/dit-*-vK/manifest.json, development folders excluded)
 * validates against the shared schema (lib/train/manifest.ts) and the DiT part of
 * lib/train/dit-manifest.ts, names weight files that exist, and the
 * schema itself rejects broken manifests.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestProblems } from '@/lib/train/dit-manifest';
import { getPreset } from '@/lib/dit/config';

const ROOT = 'public/models';
const shipped = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => /^dit-.+-v\d+$/.test(d) && !/-dev-v\d+$/.test(d)) : [];

function valid(): Record<string, unknown> {
  const m = { n: 1000, fld: 1.5, conditionalAccuracy: 0.9 };
  return {
    name: 'dit-x-v1',
    kind: 'dit',
    version: 1,
    description: 'test',
    recipe: 'x',
    preset: 'DiT-mini-B/2',
    config: getPreset('DiT-mini-B/2'),
    parameters: 1,
    flops: { forward: 2 },
    gflops: 1e-9,
    data: { source: 'mnist', split: 'train', splitSpec: { testFraction: 0.1, seed: 1 }, trainCount: 9, testCount: 1, preprocessing: 'p' },
    latents: { vae: 'v', vaeHash: 'h', scaleFactor: 1, mode: 'posterior', shape: [8, 8, 4] },
    training: {
      steps: 2,
      plannedSteps: 4,
      batchSize: 1,
      seed: 0,
      wallSeconds: 1,
      backend: 'wasm',
      optimizer: { name: 'AdamW' },
      ema: { decay: 0.9 },
      lossCurve: [
        { step: 1, loss: 1 },
        { step: 2, loss: 0.5 },
      ],
      lr: 1,
      warmupSteps: 0,
      schedule: 's',
      labelDropout: 0.1,
      loss: 'l',
      machine: 'm',
    },
    commit: '0123456789abcdef0123456789abcdef01234567',
    weights: { file: 'model.json', quantization: 'float16', bytes: 10, evaluated: 'ema', shipped: 'ema', why: 'w' },
    evaluation: { n: 1000, sampler: 'ddim', steps: 50, cfgScale: 4, eta: 0, seed: 0, labels: 'balanced', classifier: 'c', fldReference: 'r' },
    metrics: { raw: m, ema: m, shipped: m, floors: { testVsTrain: 0.1 } },
    createdAt: '2026-11-29T04:00:00Z',
  };
}

describe('DiT manifest schema', () => {
  it('accepts a complete manifest and names each problem of a broken one', () => {
    expect(manifestProblems(valid())).toEqual([]);
    const bad = valid();
    (bad.metrics as { shipped: { conditionalAccuracy: number } }).shipped.conditionalAccuracy = 97;
    bad.commit = 'unknown';
    (bad.training as { lossCurve: unknown }).lossCurve = [
      { step: 2, loss: 1 },
      { step: 1, loss: 1 },
    ];
    (bad.latents as { vaeHash?: string }).vaeHash = undefined;
    (bad.config as { patchSize: number }).patchSize = 3;
    const p = manifestProblems(bad);
    expect(p).toContain('metrics.shipped.conditionalAccuracy is missing or invalid');
    expect(p).toContain('commit must be a git hash');
    expect(p).toContain('training.lossCurve[1].step is not increasing');
    expect(p).toContain('latents.vaeHash is missing or invalid');
    expect(p.some((x) => x.startsWith('config: invalid DiT config'))).toBe(true);
    expect(manifestProblems(null)).toEqual(['manifest is not an object']);
  });

  it.each(shipped.length ? shipped : ['(none shipped yet)'])('shipped manifest validates: %s', (folder) => {
    if (folder.startsWith('(')) return;
    const dir = join(ROOT, folder);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { weights: { file: string }; name: string };
    expect(manifestProblems(m)).toEqual([]);
    expect(m.name).toBe(folder);
    const weights = JSON.parse(readFileSync(join(dir, m.weights.file), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    for (const p of weights.weightsManifest.flatMap((g) => g.paths)) expect(existsSync(join(dir, p)), p).toBe(true);
  });
});
