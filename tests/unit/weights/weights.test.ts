import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { saveWeights, loadWeights, toFloat16Bits } from '@/lib/weights';
import { writeWeightsDir, readWeightsDir } from '@/lib/weights/node';
import { DiT } from '@/lib/dit/model';
import { saveDiT, loadDiT } from '@/lib/dit/weights';
import { getPreset } from '@/lib/dit/config';

beforeAll(async () => {
  await setNodeBackend('wasm');
});

function sample() {
  return {
    'a.weight': tf.randomNormal([3, 5], 0, 1, 'float32', 1),
    'b.bias': tf.tensor1d([0, -0.25, 1e-3, 7]),
    'c.table': tf.randomUniform([11, 4], -2, 3, 'float32', 2),
    steps: tf.tensor1d([1, 2, 300000], 'int32'),
  };
}
const shapes = (m: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.shape]));

describe('weights IO (tfjs weights manifest)', () => {
  it('float16: converts float32 to half bits with round-to-nearest-even', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(0.1)).toBe(0x2e66);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(1e-9)).toBe(0);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
  });

  it('round-trips exactly without quantisation, across several shards', async () => {
    const t = sample();
    const { manifest, shards } = await saveWeights(t, { shardBytes: 64 });
    expect(shards.length).toBeGreaterThan(2);
    expect(manifest.weightsManifest[0].paths[0]).toBe(`group1-shard1of${shards.length}.bin`);
    expect(manifest.weightsManifest[0].weights.map((w) => w.name)).toEqual(Object.keys(t));
    const back = loadWeights(manifest, shards, shapes(t));
    for (const [k, v] of Object.entries(t)) {
      expect(back[k].dtype).toBe(v.dtype);
      expect(Array.from(back[k].dataSync())).toEqual(Array.from(v.dataSync()));
    }
    tf.dispose([...Object.values(t), ...Object.values(back)]);
  });

  it('float16 and uint8 quantisation stay within their error bounds', async () => {
    const t = sample();
    for (const q of ['float16', 'uint8'] as const) {
      const { manifest, shards } = await saveWeights(t, { quantization: q });
      const bytes = shards.reduce((a, s) => a + s.byteLength, 0);
      expect(bytes).toBe((15 + 4 + 44) * (q === 'float16' ? 2 : 1) + 3 * 4); // int32 is never quantised
      const back = loadWeights(manifest, shards);
      for (const k of ['a.weight', 'b.bias', 'c.table'] as const) {
        const a = t[k].dataSync();
        const b = back[k].dataSync();
        const spec = manifest.weightsManifest[0].weights.find((w) => w.name === k)!;
        for (let i = 0; i < a.length; i++) {
          const bound = q === 'float16' ? Math.abs(a[i]) * 2 ** -11 + 2 ** -25 : spec.quantization!.scale! / 2 + 1e-7;
          expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(bound);
        }
      }
      // uint8 keeps zero exact.
      expect(back['b.bias'].dataSync()[0]).toBe(0);
      expect(Array.from(back.steps.dataSync())).toEqual([1, 2, 300000]);
      tf.dispose(Object.values(back));
    }
    tf.dispose(Object.values(t));
  });

  it('rejects missing, unexpected and wrongly shaped weights, naming each', async () => {
    const t = sample();
    const { manifest, shards } = await saveWeights(t);
    const expected = { ...shapes(t), 'a.weight': [5, 3], 'd.missing': [2] } as Record<string, number[]>;
    delete expected['c.table'];
    let msg = '';
    try {
      loadWeights(manifest, shards, expected);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/'a.weight' has shape \(3, 5\), expected \(5, 3\)/);
    expect(msg).toMatch(/missing 'd.missing' \(2\)/);
    expect(msg).toMatch(/unexpected 'c.table'/);
    tf.dispose(Object.values(t));
  });

  it('rejects a truncated shard, naming it, and a missing shard', async () => {
    const t = sample();
    const { manifest, shards } = await saveWeights(t, { shardBytes: 64 });
    const cut = [...shards];
    cut[1] = cut[1].slice(0, 10);
    expect(() => loadWeights(manifest, cut)).toThrow(/shard group1-shard2of\d+\.bin has 10 bytes, expected 64 \(truncated\)/);
    expect(() => loadWeights(manifest, shards.slice(0, -1))).toThrow(/got \d+ shard\(s\), the manifest lists \d+/);
    // Without per-shard lengths (a foreign manifest) the total still catches it.
    const foreign = { ...manifest, shardByteLengths: undefined as unknown as number[] };
    expect(() => loadWeights(foreign, cut)).toThrow(/the shards hold \d+ bytes, the weight specs need \d+ \(truncated\)/);
    tf.dispose(Object.values(t));
  });

  it('writes and reads a folder (model.json + shards) and reports a truncated file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weights-'));
    try {
      const t = sample();
      await writeWeightsDir(dir, t, { shardBytes: 200, metadata: { note: 'x' } });
      expect(readdirSync(dir).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
      const { manifest, tensors } = readWeightsDir(dir, shapes(t));
      expect(manifest.userDefinedMetadata).toEqual({ note: 'x' });
      expect(Array.from(tensors['c.table'].dataSync())).toEqual(Array.from(t['c.table'].dataSync()));
      const f = join(dir, 'group1-shard2of2.bin');
      writeFileSync(f, readFileSync(f).subarray(0, 5));
      expect(() => readWeightsDir(dir)).toThrow(/group1-shard2of2\.bin has 5 bytes, expected \d+ \(truncated\)/);
      tf.dispose([...Object.values(t), ...Object.values(tensors)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('saves and loads a DiT: same outputs, config restored from the manifest; float16 close', async () => {
    const m = new DiT({ ...getPreset('DiT-mini-S/2'), conditioning: 'adaLN' }, 7);
    const x = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 3);
    const t = tf.tensor1d([10, 900]);
    const y = tf.tensor1d([1, 10], 'int32');
    const ref = m.forward(x, t, y);
    const { manifest, shards } = await saveDiT(m);
    const m2 = loadDiT(manifest, shards);
    expect(m2.config).toEqual(m.config);
    const out = m2.forward(x, t, y);
    expect(Array.from(out.dataSync())).toEqual(Array.from(ref.dataSync()));
    const h = await saveDiT(m, { quantization: 'float16' });
    const m3 = loadDiT(h.manifest, h.shards);
    const out3 = m3.forward(x, t, y);
    expect(tf.max(tf.abs(tf.sub(out3, ref))).dataSync()[0]).toBeLessThan(2e-2);
    // Loading into a different configuration fails on names and shapes.
    expect(() => loadDiT(manifest, shards, { ...m.config, hiddenSize: 128, numHeads: 4 })).toThrow(/expected \(128, 256\)/);
    tf.dispose([x, t, y, ref, out, out3]);
    [m, m2, m3].forEach((d) => d.dispose());
  });

  it('leaks no tensors: save, load, failed load', async () => {
    const t = sample();
    const before = tf.memory().numTensors;
    const { manifest, shards } = await saveWeights(t, { quantization: 'uint8' });
    tf.dispose(Object.values(loadWeights(manifest, shards)));
    expect(() => loadWeights(manifest, shards, { nope: [1] })).toThrow();
    const m = new DiT(getPreset('DiT-mini-S/4'));
    const s = await saveDiT(m);
    m.dispose();
    loadDiT(s.manifest, s.shards).dispose();
    expect(() => loadDiT(s.manifest, s.shards, { ...getPreset('DiT-mini-S/4'), depth: 5 })).toThrow(/missing 'blocks.4/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(t));
  });
});
