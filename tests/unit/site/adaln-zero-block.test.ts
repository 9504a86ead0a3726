import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { ADALN_DESC, ADALN_TITLE, AdaLNZeroBlock, CHUNKS } from '@/components/mdx/AdaLNZeroBlock';
import { expectContainsAll, figureSuite, numAttr, visibleText } from './svg-figure';

/** The element with attribute `name="value"`, up to its closing </g> (the groups hold no nested <g>). */
function group(svg: string, attr: string, value: string): string {
  const m = new RegExp(`<g ${attr}="${value}">([\\s\\S]*?)</g>`).exec(svg);
  expect(m, `${attr}=${value}`).not.toBeNull();
  return m![1];
}

/** A main-column node's box (rect) or sum node (circle) as top, bottom, left and right edges. */
function nodeBox(svg: string, name: string) {
  const body = group(svg, 'data-node', name);
  const rect = /<rect[^>]*>/.exec(body);
  if (rect) {
    const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => numAttr(rect[0], a));
    return { top: y, bottom: y + h, left: x, right: x + w };
  }
  const circle = /<circle[^>]*>/.exec(body)![0];
  const [cx, cy, r] = ['cx', 'cy', 'r'].map((a) => numAttr(circle, a));
  return { top: cy - r, bottom: cy + r, left: cx - r, right: cx + r };
}

const CHAPTER = readFileSync('content/chapters/06-the-dit-block.mdx', 'utf8');

describe('AdaLNZeroBlock (chapter 6 figure)', () => {
  const { svgs } = figureSuite(AdaLNZeroBlock, ADALN_TITLE, 'wide and phone');

  test("adaln-zero: both drawings label every step in the chapter's notation", () => {
    const labels = [
      'tokens x',
      'T × D (16 × 128)',
      'c = temb + yemb',
      'SiLU',
      'Linear(D → 6D)',
      'W = 0, b = 0 at init',
      'LN',
      'modulate(·; β1, γ1)',
      '⊙ (1 + γ1) + β1',
      'h1',
      'Attn',
      'α1 ⊙ ·',
      'modulate(·; β2, γ2)',
      '⊙ (1 + γ2) + β2',
      'h2',
      'MLP',
      'pointwise feedforward',
      'α2 ⊙ ·',
      'gate, 0 at init',
      'residual',
      'x′ (T × D)',
      'x′ = x',
    ];
    for (const svg of svgs) expectContainsAll(visibleText(svg), labels);
    expect(visibleText(svgs[0]!)).toContain('multi-head self-attention');
    // The shapes and symbols are the chapter's own.
    expectContainsAll(CHAPTER, [
      '$T = 16$',
      '$D = 128$',
      'DiT-mini-B/2',
      't_{\\mathrm{emb}} + y_{\\mathrm{emb}}',
      '(\\beta_1, \\gamma_1, \\alpha_1, \\beta_2, \\gamma_2, \\alpha_2) = W\\,\\mathrm{SiLU}(c) + b',
    ]);
  });

  test('adaln-zero: the main column runs LN, modulate, Attn, gate, +, LN, modulate, MLP, gate, + from top to bottom', () => {
    const order = ['ln1', 'mod1', 'attn', 'gate1', 'add1', 'ln2', 'mod2', 'mlp', 'gate2', 'add2'];
    for (const svg of svgs) {
      const boxes = order.map((n) => nodeBox(svg, n));
      for (let k = 1; k < boxes.length; k++) expect(boxes[k].top, order[k]).toBeGreaterThan(boxes[k - 1].bottom);
      // Both residual connections end in their sum node.
      const ends = [...svg.matchAll(/<path d="M([\d.]+) ([\d.]+) L([\d.]+) \2 L\3 ([\d.]+) L([\d.]+) \4"/g)];
      expect(ends).toHaveLength(2);
      for (const [k, add] of ['add1', 'add2'].entries()) {
        const b = nodeBox(svg, add);
        expect(Number(ends[k][4])).toBe((b.top + b.bottom) / 2);
        expect(Number(ends[k][5])).toBe(b.left);
      }
    }
  });

  test('adaln-zero: the six chunks, in the official order, each feed the node the equation uses them in', () => {
    expect(CHUNKS.map((c) => c.n + c.sub).join(' ')).toBe('β1 γ1 α1 β2 γ2 α2');
    const target: Record<string, string> = { β1: 'mod1', γ1: 'mod1', α1: 'gate1', β2: 'mod2', γ2: 'mod2', α2: 'gate2' };
    for (const svg of svgs) {
      let lastX = -Infinity;
      let lastY = -Infinity;
      for (const c of CHUNKS) {
        const name = c.n + c.sub;
        const body = group(svg, 'data-chunk', name);
        const d = /<path d="M([\d.]+) ([\d.]+) L([\d.]+) ([\d.]+) L([\d.]+) ([\d.]+)"/.exec(body);
        expect(d, name).not.toBeNull();
        const [x0, , x1, y1, x2, y2] = d!.slice(1).map(Number);
        // Down from the chunk, then left into the right edge of its node, inside the box's height.
        expect(x1).toBe(x0);
        expect(y2).toBe(y1);
        const box = nodeBox(svg, target[name]);
        expect(x2, name).toBe(box.right);
        expect(y2, name).toBeGreaterThan(box.top);
        expect(y2, name).toBeLessThan(box.bottom);
        // A staircase: each chunk further right turns lower, so no two lines cross.
        expect(x0).toBeGreaterThan(lastX);
        expect(y2).toBeGreaterThan(lastY);
        lastX = x0;
        lastY = y2;
      }
    }
  });

  test('the description says the block in words, zero initialisation included', () => {
    expectContainsAll(ADALN_DESC, [
      'SiLU',
      'from D to 6D',
      'start at zero',
      'β1 (shift), γ1 (scale), α1 (gate)',
      'β2, γ2, α2',
      'multi-head self-attention',
      'pointwise feedforward MLP',
      'residual connection',
      'x′ = x',
      '16 × 128 in DiT-mini-B/2',
    ]);
  });
});
