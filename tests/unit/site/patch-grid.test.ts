import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { PATCH_DESC, PATCH_TITLE, PatchGrid } from '@/components/mdx/PatchGrid';
import { expectContainsAll, figureSuite, numAttr, visibleText } from './svg-figure';

const attr = numAttr;

/** Every <text data-kind="kind"> of a drawing: its position and its text. */
function texts(svg: string, kind: string) {
  return [...svg.matchAll(new RegExp(`<text([^>]*data-kind="${kind}"[^>]*)>([\\s\\S]*?)</text>`, 'g'))].map((m) => ({
    x: attr(m[1], 'x'),
    y: attr(m[1], 'y'),
    text: m[2].replace(/<[^>]+>/g, '').trim(),
  }));
}

function nearest<T>(items: T[], key: (t: T) => number, v: number): T {
  return items.reduce((best, t) => (Math.abs(key(t) - v) < Math.abs(key(best) - v) ? t : best));
}

// The chapter's latent and patch size: I = 8, C = 4, p = 2.
const I = 8;
const C = 4;
const p = 2;
const CHAPTER = readFileSync('content/chapters/05-patchify.mdx', 'utf8');

describe('PatchGrid (chapter 5 figure)', () => {
  const { svgs } = figureSuite(PatchGrid, PATCH_TITLE, 'wide and phone');

  test('patchify: every patch number sits in the cell whose rows and columns give that token index', () => {
    for (const svg of svgs) {
      const rows = texts(svg, 'rows');
      const cols = texts(svg, 'cols');
      const numbers = texts(svg, 'patch-number');
      expect(rows.map((r) => r.text)).toEqual(['rows 0–1', 'rows 2–3', 'rows 4–5', 'rows 6–7']);
      expect(cols.map((c) => c.text)).toEqual(['cols 0–1', 'cols 2–3', 'cols 4–5', 'cols 6–7']);
      expect(numbers.map((n) => Number(n.text)).sort((a, b) => a - b)).toEqual(Array.from({ length: (I / p) ** 2 }, (_, k) => k));
      for (const n of numbers) {
        // The labels the number lines up with say which latent rows and columns its patch holds ...
        const row = nearest(rows, (r) => r.y, n.y);
        const col = nearest(cols, (c) => c.x, n.x);
        const [r0, r1] = row.text.replace('rows ', '').split('–').map(Number);
        const [c0, c1] = col.text.replace('cols ', '').split('–').map(Number);
        // ... z[ip : ip + p, jp : jp + p, :] (Eq. patchify), so i = r0 / p and j = c0 / p ...
        expect(r1 - r0 + 1).toBe(p);
        expect(c1 - c0 + 1).toBe(p);
        const i = r0 / p;
        const j = c0 / p;
        // ... and the patches are numbered row by row: token i·(I/p) + j.
        expect(Number(n.text), `patch (${i}, ${j})`).toBe(i * (I / p) + j);
      }
    }
  });

  test('patchify: token 6 is highlighted in the grid at rows 2–3, columns 4–5, and in the sequence', () => {
    // The chapter's example, which the figure must match.
    expect(CHAPTER).toContain('Token 6, for example, is patch $(i, j) = (1, 2)$: latent rows 2 and 3, columns 4 and 5');
    for (const svg of svgs) {
      const hl = /<rect([^>]*data-highlight="patch"[^>]*)>/.exec(svg);
      expect(hl).not.toBeNull();
      const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => attr(hl![1], a));
      const six = texts(svg, 'patch-number').find((n) => n.text === '6')!;
      expect(six.x).toBeGreaterThan(x);
      expect(six.x).toBeLessThan(x + w);
      expect(six.y).toBeGreaterThan(y);
      expect(six.y).toBeLessThan(y + h);
      expect(nearest(texts(svg, 'rows'), (r) => r.y, y + h / 2).text).toBe('rows 2–3');
      expect(nearest(texts(svg, 'cols'), (c) => c.x, x + w / 2).text).toBe('cols 4–5');
      // Exactly one highlighted patch and one highlighted token.
      expect(svg.match(/data-highlight="patch"/g)).toHaveLength(1);
      expect(svg.match(/data-highlight="token"/g)).toHaveLength(1);
      expect(svg).toMatch(/data-token="6" data-highlight="token"/);
      const text = visibleText(svg);
      expect(text).toContain('token 6 = patch (i, j) = (1, 2):');
      expect(text).toContain('rows 2–3, cols 4–5');
    }
  });

  test('patchify: the sequence has T = (I/p)² = 16 tokens in order, each of p²C = 16 numbers', () => {
    for (const svg of svgs) {
      const tokens = [...svg.matchAll(/<g data-kind="token" data-token="(\d+)"[^>]*>([\s\S]*?)<\/g>/g)];
      expect(tokens.map((t) => Number(t[1]))).toEqual(Array.from({ length: (I / p) ** 2 }, (_, k) => k));
      const xs: number[] = [];
      for (const t of tokens) {
        const index = /<text[^>]*>(\d+)<\/text>/.exec(t[2]);
        expect(index![1]).toBe(t[1]);
        const cells = t[2].match(/<rect[^>]*height="[^"]*"[^>]*>/g)!.filter((r) => !/rx=/.test(r));
        expect(cells).toHaveLength(p * p * C);
        xs.push(attr(cells[0], 'x'));
      }
      // Drawn as a row, token 0 first.
      for (let k = 1; k < xs.length; k++) expect(xs[k]).toBeGreaterThan(xs[k - 1]);
      expectContainsAll(visibleText(svg), [
        'sequence of T = 16 tokens',
        'each token: 2·2·4 = 16 numbers,',
        'listed channel by channel',
        '× 4 channels',
        'each patch: 2×2 positions × 4 channels = 16 numbers',
        'patchify',
        'p = 2',
        'i = 3',
        'j = 3',
      ]);
    }
  });

  test('the description says the figure in words', () => {
    expectContainsAll(PATCH_DESC, [
      '8×8 positions with 4 channels',
      'patch size p = 2',
      '4×4 grid of patches',
      'row by row from 0 to 15',
      'patch (i, j) is token 4i + j',
      'token 6, patch (i, j) = (1, 2), latent rows 2 and 3, columns 4 and 5',
      'T = 16 tokens',
      '2·2·4 = 16 numbers',
    ]);
  });
});
