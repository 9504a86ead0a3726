/**
 * The DiT command-line pieces: recipes (names, budgets, the conditioning set and the scaling grid),
 * the sample output formats (PNG grid, JSON of 1,024 floats in [0, 1]), loading a saved DiT by folder
 * (and a clear error for a truncated shard), and loading the raw and EMA weights of a checkpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { DiT } from '@/lib/dit/model';
import { saveDiT } from '@/lib/dit/weights';
import { CONDITIONINGS } from '@/lib/dit/config';
import { gflops } from '@/lib/dit/flops';
import { DIT_RECIPES, expandDiTRecipes, getDiTRecipe } from '@/lib/train/dit-recipes';
import { balancedLabels, gridPng, loadDiTByName, makeLabels, writeSamples } from '@/lib/sample/node';
import { makeTrainer, warmupConstant } from '@/lib/train/dit-run';
import { decodeCheckpoint } from '@/lib/train/checkpoint';
import { longestFirst, runDiTTrain } from '@/scripts/train/dit-cli';
import { countFlops } from '@/lib/dit/flops';
import { microConfig, microLatents } from '../dit/fixed-weights';

let dir: string;
beforeAll(async () => {
  await setNodeBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'dit-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DiT recipes', () => {
  it('default is DiT-mini-B/2, adaLN-Zero, learned sigma, batch 128, lr 1e-3 with a 500-step warm-up, EMA 0.999', () => {
    const r = getDiTRecipe('default');
    expect(r.preset).toBe('DiT-mini-B/2');
    expect(r.config.conditioning).toBe('adaLN-Zero');
    expect(r.config.learnSigma).toBe(true);
    expect([r.batchSize, r.lr, r.warmupSteps, r.emaDecay, r.steps]).toEqual([128, 1e-3, 500, 0.999, 4000]);
    expect(r.folder).toBe('dit-default-v1');
  });

  it('the conditioning set: the four variants with the same budget, data order and seed', () => {
    const set = expandDiTRecipes('conditioning');
    expect(set.map((r) => r.config.conditioning).sort()).toEqual([...CONDITIONINGS].sort());
    for (const k of ['steps', 'batchSize', 'lr', 'warmupSteps', 'seed', 'preset'] as const) expect(new Set(set.map((r) => r[k])).size).toBe(1);
  });

  it('the scaling grid: three sizes x patch sizes 1, 2, 4, one step budget, distinct FLOPs', () => {
    const grid = expandDiTRecipes('scaling');
    expect(grid).toHaveLength(9);
    expect(new Set(grid.map((r) => r.config.patchSize))).toEqual(new Set([1, 2, 4]));
    expect(new Set(grid.map((r) => r.steps)).size).toBe(1);
    expect(new Set(grid.map((r) => gflops(r.config))).size).toBe(9);
    expect(expandDiTRecipes('dit-all')).toHaveLength(DIT_RECIPES.length);
    expect(new Set(DIT_RECIPES.map((r) => r.folder)).size).toBe(DIT_RECIPES.length);
    expect(() => getDiTRecipe('nope')).toThrow(/unknown DiT recipe 'nope'; known: default/);
  });

  it('warm-up: linear to the peak over the warm-up steps, then constant', () => {
    const lr = warmupConstant(1e-3, 500);
    expect(lr(0)).toBeCloseTo(2e-6, 12);
    expect(lr(249)).toBeCloseTo(5e-4, 12);
    expect(lr(499)).toBeCloseTo(1e-3, 12);
    expect(lr(3999)).toBe(1e-3);
  });
});

describe('train all', () => {
  it('starts the recipes with the most training compute first, so L/1 does not start last', () => {
    const order = longestFirst(expandDiTRecipes('dit-all'));
    expect(order).toHaveLength(DIT_RECIPES.length);
    expect(order[0].name).toBe('scale-l-p1');
    expect(order.at(-1)!.name).toBe('scale-s-p4');
    const cost = order.map((r) => countFlops(r.config).total * r.batchSize * r.steps);
    for (let i = 1; i < cost.length; i++) expect(cost[i]).toBeLessThanOrEqual(cost[i - 1]);
    // The input is left as it was.
    expect(expandDiTRecipes('dit-all')[0].name).toBe('default');
  });

  it('rejects options it does not take before training anything', async () => {
    await expect(runDiTTrain({ positional: ['all'], options: { ship: true } })).rejects.toThrow(/unknown option\(s\): --ship/);
    await expect(runDiTTrain({ positional: ['all'], options: { root: true } })).rejects.toThrow(/--root needs a folder/);
    // A rehearsal's 2-step models must never land in public/models.
    await expect(runDiTTrain({ positional: ['all'], options: { steps: '2' } })).rejects.toThrow(/--steps needs --root/);
  });
});

describe('sample outputs', () => {
  it('labels: one class, seeded random classes, balanced 0..9', () => {
    expect(Array.from(makeLabels(3, 7, 0))).toEqual([7, 7, 7]);
    const r = makeLabels(200, 'random', 5);
    expect(Array.from(r)).toEqual(Array.from(makeLabels(200, 'random', 5)));
    expect(new Set(r).size).toBe(10);
    expect(Array.from(balancedLabels(12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('JSON: {labels, images} with 1,024 floats in [0, 1] per image; PNG: a grid of the digits', () => {
    const n = 3;
    const images = Float32Array.from({ length: n * 1024 }, (_, i) => (i % 1024) / 1023);
    const labels = Int32Array.from([4, 5, 6]);
    const jf = join(dir, 's.json');
    writeSamples(jf, labels, images);
    const j = JSON.parse(readFileSync(jf, 'utf8')) as { labels: number[]; images: number[][] };
    expect(j.labels).toEqual([4, 5, 6]);
    expect(j.images).toHaveLength(3);
    for (const im of j.images) {
      expect(im).toHaveLength(1024);
      expect(Math.min(...im)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...im)).toBeLessThanOrEqual(1);
    }
    expect(j.images[1][1023]).toBe(1);
    const png = PNG.sync.read(gridPng(images, 2, 1));
    expect([png.width, png.height]).toEqual([2 * 34 + 2, 2 * 34 + 2]);
    // Pixel (row 0, col 1023 % 32 = 31) of the first digit is its brightest: value 31/1023 * 255.
    const p = ((2 + 0) * png.width + 2 + 31) * 4;
    expect(png.data[p]).toBe(Math.round((31 / 1023) * 255));
    expect(() => writeSamples(join(dir, 's.txt'), labels, images)).toThrow(/\.png or \.json/);
  });
});

describe('loading DiT weights', () => {
  const config = microConfig({ depth: 1 });

  it('a saved folder loads by path with the same weights; a truncated shard fails with a clear message', async () => {
    const m = new DiT(config, 4);
    const folder = join(dir, 'dit-x');
    mkdirSync(folder, { recursive: true });
    const { manifest, shards } = await saveDiT(m, { quantization: 'none' });
    shards.forEach((s, i) => writeFileSync(join(folder, manifest.weightsManifest[0].paths[i]), new Uint8Array(s)));
    writeFileSync(join(folder, 'model.json'), JSON.stringify(manifest));
    const n0 = tf.memory().numTensors;
    const { model } = await loadDiTByName(folder);
    for (const [k, v] of Object.entries(m.stateDict())) expect(Array.from(model.stateDict()[k].dataSync()), k).toEqual(Array.from(v.dataSync()));
    model.dispose();
    expect(tf.memory().numTensors).toBe(n0);
    const shard = join(folder, manifest.weightsManifest[0].paths[0]);
    truncateSync(shard, 100);
    await expect(loadDiTByName(folder)).rejects.toThrow(/truncated/);
    expect(tf.memory().numTensors).toBe(n0);
    await expect(loadDiTByName(join(dir, 'missing'))).rejects.toThrow(/no model/);
    m.dispose();
  });

  it('a checkpoint holds the raw and the EMA weights, which differ after training', () => {
    const r = { ...getDiTRecipe('default'), config, batchSize: 4, steps: 3, warmupSteps: 1 };
    const data = microLatents(8);
    const { model, trainer } = makeTrainer(r, data);
    for (let i = 0; i < 3; i++) trainer.trainStep();
    const ck = decodeCheckpoint<{ step: number }>(trainer.checkpoint());
    expect(ck.meta.step).toBe(3);
    const raw = ck.tensors.find((t) => t.name === 'param/blocks.0.attn.qkv.weight')!;
    const ema = ck.tensors.find((t) => t.name === 'ema/blocks.0.attn.qkv.weight')!;
    expect(Array.from(raw.data)).toEqual(Array.from(model.stateDict()['blocks.0.attn.qkv.weight'].dataSync()));
    expect(Array.from(ema.data)).not.toEqual(Array.from(raw.data));
    expect(ck.tensors.some((t) => t.name.endsWith('/pos_embed'))).toBe(false);
    trainer.dispose();
    model.dispose();
  });
});
