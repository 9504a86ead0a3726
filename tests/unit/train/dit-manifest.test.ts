/**
 * Every shipped DiT manifest (public/models/dit-*-vK/manifest.json, development folders excluded)
 * validates against the schema of scripts/train/dit-manifest.ts, names weights that load, and the
 * schema itself rejects broken manifests.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestProblems } from '@/scripts/train/dit-manifest';
import { getPreset } from '@/lib/dit/config';

const ROOT = 'public/models';
const shipped = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => /^dit-.+-v\d+$/.test(d) && !/-dev-v\d+$/.test(d)) : [];

function valid(): Record<string, unknown> {
  const m = { n: 1000, fld: 1.5, conditionalAccuracy: 0.9 };
  return {
    format: 'dit-lab-model', formatVersion: 1, name: 'dit-x-v1', kind: 'DiT', recipe: 'x', purpose: 'test', preset: 'DiT-mini-B/2',
    config: getPreset('DiT-mini-B/2'), parameters: 1, flopsPerForward: 2, gflops: 1e-9,
    data: { dataset: 'mnist', split: { seed: 1, testFraction: 0.1, train: 9, test: 1 }, latents: { vae: 'v', vaeHash: 'h', scaleFactor: 1, mode: 'posterior', shape: [8, 8, 4] } },
    training: { steps: 1, plannedSteps: 1, batchSize: 1, optimizer: 'AdamW', lr: 1, warmupSteps: 0, schedule: 's', emaDecay: 0.9, seed: 0,
      labelDropout: 0.1, loss: 'l', wallSeconds: 1, machine: 'm', commit: 'c', finishedAt: 't' },
    lossCurve: [{ step: 1, loss: 1 }, { step: 2, loss: 0.5 }],
    weights: { file: 'model.json', shipped: 'ema', quantization: 'float16', bytes: 10, why: 'w' },
    evaluation: { n: 1000, sampler: 'ddim', steps: 50, cfgScale: 4, eta: 0, seed: 0, labels: 'balanced', classifier: 'c', fldReference: 'r' },
    metrics: { raw: m, ema: m, shipped: m, floors: { testVsTrain: 0.1 } },
  };
}

describe('DiT manifest schema', () => {
  it('accepts a complete manifest and names each problem of a broken one', () => {
    expect(manifestProblems(valid())).toEqual([]);
    const bad = valid();
    (bad.metrics as { shipped: { conditionalAccuracy: number } }).shipped.conditionalAccuracy = 97;
    (bad.training as { commit?: string }).commit = undefined;
    bad.lossCurve = [{ step: 2, loss: 1 }, { step: 1, loss: 1 }];
    (bad.config as { patchSize: number }).patchSize = 3;
    const p = manifestProblems(bad);
    expect(p).toContain('metrics.shipped.conditionalAccuracy is missing or invalid');
    expect(p).toContain('training.commit is missing or invalid');
    expect(p).toContain('lossCurve steps must increase');
    expect(p.some((x) => x.startsWith('config: invalid DiT config'))).toBe(true);
    expect(manifestProblems(null)).toEqual(['not an object']);
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
