import { describe, expect, test } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { DitPipeline, PIPELINE_DESC, PIPELINE_TITLE } from '@/components/mdx/DitPipeline';

/** The visible text of an SVG's markup, tags dropped, entities of the characters we use decoded. */
function visibleText(svg: string): string {
  const body = svg.replace(/<title[\s\S]*?<\/title>|<desc[\s\S]*?<\/desc>/g, '');
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('DitPipeline (chapter 1 figure)', () => {
  const html = renderToStaticMarkup(createElement(DitPipeline));
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

  test('renders on the server as two accessible SVGs (wide and tall) with title and description', () => {
    expect(svgs).toHaveLength(2);
    for (const svg of svgs) {
      expect(svg).toMatch(/role="img"/);
      const ids = /aria-labelledby="([^"]+) ([^"]+)"/.exec(svg);
      expect(ids).not.toBeNull();
      expect(svg).toContain(`<title id="${ids![1]}">${PIPELINE_TITLE}</title>`);
      expect(svg).toContain(`<desc id="${ids![2]}">`);
    }
    // Marker and label ids must not collide between the two drawings.
    const allIds = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(allIds).size).toBe(allIds.length);
  });

  test("both drawings show every stage of the pipeline with this book's shapes and the paper's", () => {
    const stages = [
      'VAE encoder',
      'VAE decoder',
      '× scale factor',
      '÷ scale factor',
      'denoising loop',
      'patchify',
      '16 tokens',
      '(256)',
      'position embeddings',
      'DiT block',
      'adaLN-Zero',
      'layer norm',
      '+ linear',
      'unpatchify',
      'covariance',
      'Σ',
      'sampler step',
      '8×8×4',
      '32×32×4',
      '32×32×1',
      '256×256×3',
      '(6; XL: 28)',
    ];
    for (const svg of svgs) {
      const text = visibleText(svg);
      for (const s of stages) expect(text, s).toContain(s);
    }
  });

  test('the description says the pipeline in words, with the same shapes', () => {
    for (const s of [
      'VAE encoder',
      'patchify (p = 2)',
      'T = 16 tokens',
      'adaLN-Zero',
      'layer norm and linear',
      'unpatchify',
      'covariance Σ',
      'VAE decoder',
      '28 in DiT-XL',
    ]) {
      expect(PIPELINE_DESC).toContain(s);
    }
  });
});
