import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { patchify } from '@/lib/dit/embeddings';
import { featureAt, patchVector, patchifyMatrix, positionSimilarity, tokenAt, tokenPosition, tokenTable, channelMap } from '@/lib/inspect/patchify';
import { gflops } from '@/lib/dit/flops';
import { PRESETS } from '@/lib/dit/config';

beforeAll(async () => {
  await setNodeBackend('cpu');
});

const I = 8;
const C = 4;
const latent = Float32Array.from({ length: I * I * C }, (_, k) => Math.sin(k * 1.7) + k / 100);

describe('patchify explorer: token indices and patch vectors', () => {
  it('patchify: the JS patch vectors equal lib/dit patchify (order cpq) for p = 1, 2, 4', async () => {
    for (const p of [1, 2, 4]) {
      const x = tf.tensor4d(latent, [1, I, I, C]);
      const ref = patchify(x, p);
      const want = (await ref.data()) as Float32Array;
      tf.dispose([x, ref]);
      expect(Array.from(patchifyMatrix(latent, I, C, p))).toEqual(Array.from(want));
    }
  });

  it('patchify: token k sits at patch row floor(k/g), column k mod g; every latent position maps to the token holding it', () => {
    expect(tokenPosition(6, 4)).toEqual({ i: 1, j: 2 }); // chapter 5's worked example: token 6 = patch (1, 2)
    for (const p of [1, 2, 4]) {
      const g = I / p;
      for (let k = 0; k < g * g; k++) {
        const { i, j } = tokenPosition(k, g);
        for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) expect(tokenAt(i * p + a, j * p + b, p, I)).toBe(k);
      }
    }
  });

  it('patchify: feature k of a patch is channel floor(k/p^2), row a, column b of the patch, and holds that latent value', () => {
    const p = 2;
    const token = 6;
    const v = patchVector(latent, I, C, p, token);
    expect(v.length).toBe(p * p * C);
    for (let k = 0; k < v.length; k++) {
      const { ch, a, b } = featureAt(k, p);
      expect(v[k]).toBe(latent[((1 * p + a) * I + (2 * p + b)) * C + ch]);
    }
    expect(featureAt(5, 2)).toEqual({ ch: 1, a: 0, b: 1 });
  });

  it('a channel map is the latent channel as an I x I picture', () => {
    const m = channelMap(latent, I, C, 2);
    expect(m[3 * I + 5]).toBe(latent[(3 * I + 5) * C + 2]);
  });

  it('patchify: the token table counts T = (8/p)^2 tokens of p^2 C numbers, with Gflops from lib/dit/flops', () => {
    const rows = tokenTable();
    expect(rows.map((r) => [r.p, r.tokens, r.tokenLength])).toEqual([
      [1, 64, 4],
      [2, 16, 16],
      [4, 4, 64],
    ]);
    for (const r of rows) {
      expect(r.tokens * r.tokenLength).toBe(256); // patchify only regroups the 8x8x4 numbers
      expect(r.gflops.B).toBe(gflops(PRESETS[`DiT-mini-B/${r.p}`]));
      expect(r.gflops.S).toBeLessThan(r.gflops.B);
      expect(r.gflops.B).toBeLessThan(r.gflops.L);
    }
    // Halving p quadruples T and so at least quadruples the compute that depends on T.
    expect(rows[0].gflops.B / rows[1].gflops.B).toBeGreaterThan(4);
  });
});

describe('patchify explorer: position similarity', () => {
  it('pos-embed-2d: the similarity of two codes matches the closed form sum_k cos(dj w_k) + cos(di w_k), over D/2', () => {
    for (const [D, g] of [
      [128, 4],
      [64, 8],
      [192, 2],
    ] as const) {
      const half = D / 4; // frequencies per axis
      const omega = Array.from({ length: half }, (_, k) => Math.pow(10000, -k / half));
      for (const token of [0, g + 1, g * g - 1]) {
        const sim = positionSimilarity(D, g, token);
        const ti = Math.floor(token / g);
        const tj = token % g;
        for (let k = 0; k < g * g; k++) {
          const di = Math.floor(k / g) - ti;
          const dj = (k % g) - tj;
          const closed = omega.reduce((s, w) => s + Math.cos(dj * w) + Math.cos(di * w), 0) / (D / 2);
          expect(sim[k]).toBeCloseTo(closed, 5);
        }
        expect(sim[token]).toBeCloseTo(1, 6);
      }
    }
  });

  it('pos-embed-2d: chapter 5 quotes 32, 30.9, 28.3, 25.6 for one axis at offsets 0..3 (D = 128)', () => {
    // Two tokens in the same row: the row half contributes 32, the column half the quoted number.
    const sim = positionSimilarity(128, 4, 0);
    expect([0, 1, 2, 3].map((k) => Number((sim[k] * 64 - 32).toFixed(1)))).toEqual([32, 30.9, 28.3, 25.6]);
  });
});
