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
export const PAPER_SCALING: readonly PaperScalingRow[] = [
  { model: 'S/8', size: 'S', patch: 8, gflops: 0.36, paramsM: 33, fid: 153.6 },
  { model: 'S/4', size: 'S', patch: 4, gflops: 1.41, paramsM: 33, fid: 100.41 },
  { model: 'S/2', size: 'S', patch: 2, gflops: 6.06, paramsM: 33, fid: 68.4 },
  { model: 'B/8', size: 'B', patch: 8, gflops: 1.42, paramsM: 131, fid: 122.74 },
  { model: 'B/4', size: 'B', patch: 4, gflops: 5.56, paramsM: 130, fid: 68.38 },
  { model: 'B/2', size: 'B', patch: 2, gflops: 23.01, paramsM: 130, fid: 43.47 },
  { model: 'L/8', size: 'L', patch: 8, gflops: 5.01, paramsM: 459, fid: 118.87 },
  { model: 'L/4', size: 'L', patch: 4, gflops: 19.7, paramsM: 458, fid: 45.64 },
  { model: 'L/2', size: 'L', patch: 2, gflops: 80.71, paramsM: 458, fid: 23.33 },
  { model: 'XL/8', size: 'XL', patch: 8, gflops: 7.39, paramsM: 676, fid: 106.41 },
  { model: 'XL/4', size: 'XL', patch: 4, gflops: 29.05, paramsM: 675, fid: 43.01 },
  { model: 'XL/2', size: 'XL', patch: 2, gflops: 118.64, paramsM: 675, fid: 19.47 },
];

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
