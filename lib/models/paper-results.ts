/**
 * The paper's results that the results widgets plot beside ours, from its Table 4 and figures (the
 * numbers the chapters quote; tests/unit/models/rank-correlation.test.ts recomputes the paper's
 * rank correlation of Gflops and FID from them).
 *
 * W. Peebles, S. Xie, "Scalable Diffusion Models with Transformers", ICCV 2023, arXiv:2212.09748.
 */
import type { Conditioning } from '../dit/config';

export const PAPER_CITATION = 'Peebles & Xie, Table 4';

export type PaperSize = 'S' | 'B' | 'L' | 'XL';

export interface PaperScalingRow {
  model: string;
  size: PaperSize;
  patch: 2 | 4 | 8;
  /** Forward Gflops per image (multiply-adds), VAE excluded. */
  gflops: number;
  /** Parameters in millions, VAE excluded. */
  paramsM: number;
  /** FID-50K at 256x256 after 400K steps, no guidance. */
  fid: number;
}

/** Paper Table 4: FID-50K against Gflops for the twelve models (256x256, 400K steps, no guidance). */
export const PAPER_SCALING: readonly PaperScalingRow[] = (
  [
    // model, Gflops, parameters (M), FID-50K
    ['S/8', 0.36, 33, 153.6],
    ['S/4', 1.41, 33, 100.41],
    ['S/2', 6.06, 33, 68.4],
    ['B/8', 1.42, 131, 122.74],
    ['B/4', 5.56, 130, 68.38],
    ['B/2', 23.01, 130, 43.47],
    ['L/8', 5.01, 459, 118.87],
    ['L/4', 19.7, 458, 45.64],
    ['L/2', 80.71, 458, 23.33],
    ['XL/8', 7.39, 676, 106.41],
    ['XL/4', 29.05, 675, 43.01],
    ['XL/2', 118.64, 675, 19.47],
  ] as const
).map(([model, gflops, paramsM, fid]) => {
  const [size, patch] = model.split('/');
  return { model, size: size as PaperScalingRow['size'], patch: Number(patch) as PaperScalingRow['patch'], gflops, paramsM, fid };
});

export interface PaperConditioningRow {
  conditioning: Conditioning;
  gflops: number;
  paramsM: number;
  /** FID-50K of DiT-XL/2 after 400K steps, no guidance. */
  fid: number;
}

/** Paper Table 4 and section 5: the four conditioning blocks in DiT-XL/2 at 400K steps. */
export const PAPER_CONDITIONING: readonly PaperConditioningRow[] = [
  { conditioning: 'in-context', gflops: 119.37, paramsM: 449, fid: 35.24 },
  { conditioning: 'cross-attention', gflops: 137.62, paramsM: 598, fid: 26.14 },
  { conditioning: 'adaLN', gflops: 118.56, paramsM: 600, fid: 25.21 },
  { conditioning: 'adaLN-Zero', gflops: 118.64, paramsM: 675, fid: 19.47 },
];
