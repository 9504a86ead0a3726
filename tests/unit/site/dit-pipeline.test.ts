import { describe, test } from 'vitest';
import { DitPipeline, PIPELINE_DESC, PIPELINE_TITLE } from '@/components/mdx/DitPipeline';
import { expectContainsAll, figureSuite, visibleText } from './svg-figure';

describe('DitPipeline (chapter 1 figure)', () => {
  const { svgs } = figureSuite(DitPipeline, PIPELINE_TITLE, 'wide and tall');

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
    for (const svg of svgs) expectContainsAll(visibleText(svg, { joinTspans: false }), stages);
  });

  test('the description says the pipeline in words, with the same shapes', () => {
    expectContainsAll(PIPELINE_DESC, [
      'VAE encoder',
      'patchify (p = 2)',
      'T = 16 tokens',
      'adaLN-Zero',
      'layer norm and linear',
      'unpatchify',
      'covariance Σ',
      'VAE decoder',
      '28 in DiT-XL',
    ]);
  });
});
