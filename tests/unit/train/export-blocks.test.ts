import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnistSplit } from '@/lib/data/node';
import type { TrainerMeta } from '@/lib/train/loop';
import { mnistDataBlock, trainingBlock, writeManifest } from '@/scripts/train/common';

const shipped = (name: string) => JSON.parse(readFileSync(`public/models/${name}/manifest.json`, 'utf8'));

describe('the blocks the VAE and classifier exports write into their manifests', () => {
  const { trainSet, testSet } = loadMnistSplit();

  it('rebuilds the shipped data blocks exactly', () => {
    expect(mnistDataBlock(trainSet, testSet)).toEqual(shipped('vae-v1').data);
    expect(mnistDataBlock(trainSet, testSet, 'random shifts of up to 2 px')).toEqual(shipped('classifier-v1').data);
  });

  it('keeps step, loss and the named metrics of each logged step, and the recipe', () => {
    const lossLog = Array.from({ length: 3 }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1), lr: 1e-3, acc: i / 3, other: 7 }));
    const meta = { step: 3, batchSize: 64, seed: 5, wallSeconds: 12.6, lossLog } as unknown as TrainerMeta;
    const block = trainingBlock(meta, { config: {}, optimizer: { name: 'AdamW' }, ema: null }, ['acc']);
    expect(block.lossCurve).toEqual(lossLog.map((l) => ({ step: l.step, loss: l.loss, acc: l.acc })));
    expect(block).toMatchObject({ steps: 3, batchSize: 64, seed: 5, wallSeconds: 13, optimizer: { name: 'AdamW' }, ema: null });
  });

  it('writes no manifest that fails validation', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'manifest-')), 'manifest.json');
    expect(() => writeManifest(file, { ...shipped('vae-v1'), data: { split: 'test' } })).toThrow(/would be invalid/);
    expect(existsSync(file)).toBe(false);
    writeManifest(file, shipped('vae-v1'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(shipped('vae-v1'));
  });
});
