import { readdirSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  buildModelsIndex,
  conditioningSet,
  downsampleCurve,
  gridCell,
  isDevFolder,
  LOSS_CURVE_POINTS,
  parseModelsIndex,
  scalingGrid,
  summariseManifest,
} from '@/lib/models/models-index';
import { countFlops } from '@/lib/dit/flops';
import { getPreset, type Conditioning } from '@/lib/dit/config';

/** A DiT manifest with the fields the shipping script writes (lib/train/dit-manifest.ts). */
function ditManifest(
  recipe: string,
  preset: string,
  over: { conditioning?: Conditioning; fld?: number; acc?: number; steps?: number; gflops?: number | null } = {},
) {
  const steps = over.steps ?? 1000;
  const config = { ...getPreset(preset), ...(over.conditioning ? { conditioning: over.conditioning } : {}) };
  const m: Record<string, unknown> = {
    name: `dit-${recipe}-v1`,
    kind: 'dit',
    version: 1,
    recipe,
    preset,
    description: `${recipe} test model`,
    config,
    parameters: 123456,
    flops: { forward: 2e7 },
    training: {
      steps,
      plannedSteps: steps,
      batchSize: 64,
      seed: 0,
      wallSeconds: 1200,
      lossCurve: Array.from({ length: 200 }, (_, i) => ({ step: Math.round(((i + 1) * steps) / 200), loss: 1 / (i + 1), mse: 0.5 })),
    },
    weights: { shipped: 'raw' },
    evaluation: { n: 1000, sampler: 'ddim', steps: 50, cfgScale: 4 },
    metrics: {
      raw: { fld: 1, conditionalAccuracy: 0.1, n: 125 },
      ema: { fld: 2, conditionalAccuracy: 0.2, n: 125 },
      shipped: { fld: over.fld ?? 50, conditionalAccuracy: over.acc ?? 0.9, n: 1000 },
      floors: { testVsTrain: 6.5, vaeReconTestVsTrain: 7.0, floorSamples: 999 },
    },
    createdAt: '2026-11-29T05:32:41.727Z',
  };
  if (over.gflops !== null) m.gflops = over.gflops ?? countFlops(config).total / 1e9;
  return m;
}

describe('models index', () => {
  test('downsampleCurve keeps the first and last point and at most max points, copying values', () => {
    const pts = Array.from({ length: 200 }, (_, i) => ({ step: i + 1, loss: i }));
    const d = downsampleCurve(pts, 80);
    expect(d).toHaveLength(80);
    expect(d[0]).toBe(pts[0]);
    expect(d.at(-1)).toBe(pts[199]);
    for (let i = 1; i < d.length; i++) expect(d[i].step).toBeGreaterThan(d[i - 1].step);
    expect(downsampleCurve(pts.slice(0, 5), 80)).toEqual(pts.slice(0, 5));
    expect(() => downsampleCurve(pts, 1)).toThrow();
  });

  test('summariseManifest: a DiT entry with config, Gflops, scores, floors and a short loss curve', () => {
    const e = summariseManifest('dit-scale-b-p2-v1', ditManifest('scale-b-p2', 'DiT-mini-B/2', { fld: 42.5, acc: 0.8 }));
    expect(e).toMatchObject({
      name: 'dit-scale-b-p2-v1',
      folder: 'models/dit-scale-b-p2-v1',
      kind: 'dit',
      recipe: 'scale-b-p2',
      preset: 'DiT-mini-B/2',
      config: { patchSize: 2, depth: 6, hiddenSize: 128, numHeads: 4, conditioning: 'adaLN-Zero', inputSize: 8, learnSigma: true },
      parameters: 123456,
      steps: 1000,
      batchSize: 64,
      scores: {
        fld: 42.5,
        conditionalAccuracy: 0.8,
        n: 1000,
        floors: { testVsTrain: 6.5, vaeReconTestVsTrain: 7.0 },
        weights: 'raw',
        sampler: 'ddim',
        samplingSteps: 50,
        cfgScale: 4,
      },
    });
    expect(e.gflops).toBeCloseTo(0.020037632, 9); // the chapter's 20.04 Mflops for mini-B/2
    expect(e.lossCurve).toHaveLength(LOSS_CURVE_POINTS);
    expect(e.lossCurve.at(-1)).toEqual({ step: 1000, loss: 1 / 200 });
    expect(Object.keys(e.lossCurve[0])).toEqual(['step', 'loss']);
  });

  test('summariseManifest counts Gflops from the configuration when the manifest has none', () => {
    const e = summariseManifest('dit-cond-in-context-v1', ditManifest('cond-in-context', 'DiT-mini-B/2', { conditioning: 'in-context', gflops: null }));
    expect(e.gflops).toBeCloseTo(countFlops({ ...getPreset('DiT-mini-B/2'), conditioning: 'in-context' }).total / 1e9, 12);
    expect(e.config?.conditioning).toBe('in-context');
  });

  test('buildModelsIndex leaves out development folders and says why others were skipped', () => {
    const idx = buildModelsIndex([
      { folder: 'dit-scale-s-p4-v1', manifest: ditManifest('scale-s-p4', 'DiT-mini-S/4') },
      { folder: 'dit-dev-v1', manifest: ditManifest('default', 'DiT-mini-B/2') },
      { folder: 'preview-dev-v1', manifest: null },
      { folder: 'odd-v1', manifest: null },
      { folder: 'bad-v1', manifest: { kind: 'dit', parameters: 3 } },
    ]);
    expect(idx.models.map((m) => m.name)).toEqual(['dit-scale-s-p4-v1']);
    expect(idx.skipped).toEqual([
      { folder: 'bad-v1', reason: 'training is missing' },
      { folder: 'dit-dev-v1', reason: 'development folder' },
      { folder: 'odd-v1', reason: 'no manifest.json' },
      { folder: 'preview-dev-v1', reason: 'development folder' },
    ]);
    expect(isDevFolder('dit-broken-dev-v1')).toBe(true);
    expect(isDevFolder('dit-default-v1')).toBe(false);
    expect(parseModelsIndex(JSON.parse(JSON.stringify(idx)))).toEqual({ ok: true, index: idx });
  });

  test('parseModelsIndex turns a malformed index into a sentence', () => {
    const good = buildModelsIndex([{ folder: 'dit-scale-s-p4-v1', manifest: ditManifest('scale-s-p4', 'DiT-mini-S/4') }]);
    expect(parseModelsIndex('not json')).toEqual({ ok: false, problem: 'the models index is not a JSON object' });
    expect(parseModelsIndex({ ...good, format: 'x' })).toMatchObject({ ok: false, problem: expect.stringContaining('format') });
    expect(parseModelsIndex({ ...good, version: 99 })).toMatchObject({ ok: false, problem: expect.stringContaining('version 99') });
    const broken = JSON.parse(JSON.stringify(good));
    broken.models[0].scores.fld = 'low';
    expect(parseModelsIndex(broken)).toEqual({ ok: false, problem: 'entry 1 of the models index (dit-scale-s-p4-v1) has malformed scores' });
    const badFolder = JSON.parse(JSON.stringify(good));
    badFolder.models[0].folder = 'https://elsewhere/x';
    expect(parseModelsIndex(badFolder)).toMatchObject({ ok: false, problem: expect.stringContaining('valid name and folder') });
  });

  test('scalingGrid and conditioningSet pick the experiment models by recipe, newest version first', () => {
    const idx = buildModelsIndex([
      { folder: 'dit-scale-l-p1-v1', manifest: ditManifest('scale-l-p1', 'DiT-mini-L/1') },
      { folder: 'dit-scale-s-p4-v1', manifest: ditManifest('scale-s-p4', 'DiT-mini-S/4', { fld: 90 }) },
      { folder: 'dit-scale-s-p4-v2', manifest: { ...ditManifest('scale-s-p4', 'DiT-mini-S/4', { fld: 80 }), name: 'dit-scale-s-p4-v2' } },
      { folder: 'dit-default-v1', manifest: ditManifest('default', 'DiT-mini-B/2') },
      { folder: 'dit-cond-adaln-v1', manifest: ditManifest('cond-adaln', 'DiT-mini-B/2', { conditioning: 'adaLN' }) },
    ]);
    const grid = scalingGrid(idx);
    expect(grid.map((g) => [g.size, g.patch, g.entry.name])).toEqual([
      ['S', 4, 'dit-scale-s-p4-v2'],
      ['L', 1, 'dit-scale-l-p1-v1'],
    ]);
    expect(grid[0].entry.scores?.fld).toBe(80);
    const cond = conditioningSet(idx);
    expect(Object.keys(cond)).toEqual(['adaLN']);
    expect(cond.adaLN?.name).toBe('dit-cond-adaln-v1');
    expect(gridCell('scale-b-p2')).toEqual({ size: 'B', patch: 2 });
    expect(gridCell('scale-b-p8')).toBeNull();
    expect(gridCell('default')).toBeNull();
  });

  test('every shipped folder in public/models summarises (or is a development folder)', () => {
    const root = path.resolve('public/models');
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    const idx = buildModelsIndex(
      folders.map((folder) => {
        const f = path.join(root, folder, 'manifest.json');
        return { folder, manifest: existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null };
      }),
    );
    // A folder being shipped has its weights before its manifest.json (written last): not in the index yet.
    expect(idx.skipped.filter((s) => s.reason !== 'development folder' && s.reason !== 'no manifest.json')).toEqual([]);
    expect(idx.models.length).toBe(folders.filter((f) => !isDevFolder(f) && existsSync(path.join(root, f, 'manifest.json'))).length);
    expect(parseModelsIndex(JSON.parse(JSON.stringify(idx))).ok).toBe(true);
    for (const m of idx.models.filter((e) => e.kind === 'dit')) {
      expect(m.scores, m.name).not.toBeNull();
      expect(m.lossCurve.length, m.name).toBeGreaterThan(1);
    }
  });
});
