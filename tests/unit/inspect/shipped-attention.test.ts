/**
 * Chapter 8 ("What the shipped model shows") describes the attention of the shipped DiT. This test
 * re-measures those statements on public/models/dit-default-v1, so a re-shipped model that no longer
 * behaves as the chapter says fails here instead of leaving the text wrong. The full numbers come from
 * scripts/inspect/attention-summary.ts.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { setNodeBackend } from '@/lib/node-backend';
import { loadInspector } from '@/lib/inspect/loaders';
import type { LoadedInspector } from '@/lib/load/loaded';
import { decodeDigits, indicesOfClass, writePadded32 } from '@/lib/data/mnist';
import { summarize, type HeadSummary } from '@/lib/inspect/attention';
import { folderFetch } from '@/lib/load/file-fetch';

const PUBLIC = path.resolve(__dirname, '..', '..', '..', 'public');
// The model is committed; the digits come from `npm run assets`, which `npm run test:unit` runs first.
const SHIPPED = existsSync(path.join(PUBLIC, 'models', 'dit-default-v1', 'model.json'));

/** Block (1-based), head (1-based) and the neighbour it reads at t = 50 (chapter 8). */
const SHIFT_HEADS: [number, number, number, number][] = [
  [2, 1, 0, 1], // right
  [2, 3, 0, -1], // left
  [3, 2, 1, 0], // below
  [4, 1, -1, 0], // above
  [4, 2, 0, -1], // left
  [4, 4, 0, 1], // right
];

describe.runIf(SHIPPED)('the shipped model attends as chapter 8 says', () => {
  let insp: LoadedInspector;
  const at = new Map<number, { s: HeadSummary[]; gates: Float32Array }[]>();

  beforeAll(async () => {
    await setNodeBackend('wasm');
    const env = { fetch: folderFetch(PUBLIC), cache: null };
    insp = await loadInspector('models/dit-default-v1', 'http://local/', env, () => undefined);
    const set = decodeDigits(readFileSync(path.join(PUBLIC, 'data', 'mnist-test-sample.bin')));
    for (const t of [50, 1000]) {
      const rows = [];
      for (let d = 0; d < 10; d++) {
        const px = new Float32Array(1024);
        writePadded32(set, indicesOfClass(set, d)[0], px);
        const r = await insp.attention({ pixels: px, label: d, t: t - 1, seed: 1 });
        rows.push({ s: summarize(r.attn, r), gates: r.gates });
      }
      at.set(t, rows);
    }
  }, 600_000);

  it('at t = 50 six middle-block heads read one fixed neighbour, for every digit', () => {
    for (const [b, h, di, dj] of SHIFT_HEADS) {
      for (const { s } of at.get(50)!) {
        const head = s[(b - 1) * 4 + (h - 1)];
        expect(head.offset, `block ${b} head ${h}`).toMatchObject({ di, dj });
        expect(head.offset.share).toBeGreaterThanOrEqual(10 / 16);
        expect(head.entropy).toBeLessThan(1.5); // the ten-digit means are 0.5 to 0.8 (chapter 8)
      }
    }
  });

  it('blocks 1 and 6 stay diffuse; noise flattens the shift heads', () => {
    const mean = (t: number, b: number, h: number) => at.get(t)!.reduce((a, { s }) => a + s[(b - 1) * 4 + h - 1].entropy, 0) / 10;
    for (const t of [50, 1000]) for (const b of [1, 6]) for (let h = 1; h <= 4; h++) expect(mean(t, b, h)).toBeGreaterThan(2.1);
    for (const [b, h] of SHIFT_HEADS) expect(mean(1000, b, h)).toBeGreaterThan(mean(50, b, h) + 1);
  });

  it('block 4 has the largest attention gate at t = 50 and under 0.1 at t = 1000; block 1 opens up with t; for every label', () => {
    for (let d = 0; d < 10; d++) {
      const g50 = Array.from(at.get(50)![d].gates);
      const g1000 = Array.from(at.get(1000)![d].gates);
      expect(g50.indexOf(Math.max(...g50)), `label ${d}`).toBe(3);
      expect(g1000[3]).toBeLessThan(0.1);
      expect(g1000[0]).toBeGreaterThan(g50[0]);
    }
  });
});
