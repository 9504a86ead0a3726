/**
 * What chapter 8 says about the shipped model's attention, measured: for the first test digit of
 * every class (public/data/mnist-test-sample.bin), noised to a few timesteps, the mean entropy, mean
 * attention distance and dominant key offset of every block and head, and how much the label changes
 * the maps. Runs the same code as the widget's worker (lib/inspect/loaders.ts) on Node's wasm backend.
 *
 *   npx tsx scripts/inspect/attention-summary.ts [model folder, default models/dit-default-v1]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setNodeBackend } from '../../lib/node-backend';
import { loadInspector } from '../../lib/inspect/loaders';
import { decodeDigits, indicesOfClass, writePadded32 } from '../../lib/data/mnist';
import { summarize } from '../../lib/inspect/attention';
import { folderFetch } from '../../lib/load/file-fetch';

await setNodeBackend('wasm');
const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'public');
const model = process.argv[2] ?? 'models/dit-default-v1';
const env = { fetch: folderFetch(publicDir), cache: null };
const insp = await loadInspector(model, 'http://local/', env, () => undefined);
const set = decodeDigits(readFileSync(path.join(publicDir, 'data', 'mnist-test-sample.bin')));
const TIMES = [50, 250, 500, 750, 1000];
const SEED = 1;

const dirName = (di: number, dj: number) =>
  di === 0 && dj === 0 ? 'self' : di === 0 ? (dj > 0 ? `right ${dj}` : `left ${-dj}`) : dj === 0 ? (di > 0 ? `below ${di}` : `above ${-di}`) : `(${di}, ${dj})`;

let L = 0;
let H = 0;
const acc = new Map<number, { entropy: number[]; distance: number[]; offsets: string[][]; share: number[] }>();
let maxLabelDiff = 0;
for (let d = 0; d < 10; d++) {
  const px = new Float32Array(1024);
  writePadded32(set, indicesOfClass(set, d)[0], px);
  for (const t of TIMES) {
    const r = await insp.attention({ pixels: px, label: d, t: t - 1, seed: SEED });
    const u = await insp.attention({ pixels: px, label: null, t: t - 1, seed: SEED });
    for (let k = 0; k < r.attn.length; k++) maxLabelDiff = Math.max(maxLabelDiff, Math.abs(r.attn[k] - u.attn[k]));
    L = r.depth;
    H = r.heads;
    const s = summarize(r.attn, r);
    const a = acc.get(t) ?? {
      entropy: new Array(L * H).fill(0),
      distance: new Array(L * H).fill(0),
      offsets: Array.from({ length: L * H }, (): string[] => []),
      share: new Array(L * H).fill(0),
    };
    s.forEach((h, k) => {
      a.entropy[k] += h.entropy / 10;
      a.distance[k] += h.distance / 10;
      a.share[k] += h.offset.share / 10;
      a.offsets[k].push(dirName(h.offset.di, h.offset.dj));
    });
    acc.set(t, a);
  }
}
for (const t of TIMES) {
  const a = acc.get(t)!;
  console.log(`t = ${t}: mean entropy (nats) / mean distance / most common largest-weight offset (share of queries) over 10 digits`);
  for (let l = 0; l < L; l++) {
    const cells = Array.from({ length: H }, (_, h) => {
      const k = l * H + h;
      const votes = new Map<string, number>();
      for (const o of a.offsets[k]) votes.set(o, (votes.get(o) ?? 0) + 1);
      const [top, n] = [...votes.entries()].sort((x, y) => y[1] - x[1])[0];
      return `h${h + 1} ${a.entropy[k].toFixed(2)} / ${a.distance[k].toFixed(2)} / ${top} (${n}/10 digits, ${(a.share[k] * 100).toFixed(0)}% of queries)`;
    });
    console.log(`  block ${l + 1}: ${cells.join(' | ')}`);
  }
}
console.log(`largest |A(label) - A(null class)| over all maps, digits and timesteps: ${maxLabelDiff.toFixed(3)}`);
insp.dispose();
