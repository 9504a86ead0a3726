/**
 * What the scaling chart shows of our grid: all nine cells (sizes S, B, L x patch sizes 4, 2, 1), each
 * with its configuration's forward cost and parameter count (computed by lib/dit, true before any
 * training) and, when that model is shipped, its measured FLD and conditional accuracy from the models
 * index; and Spearman's rank correlation between forward FLOPs and FLD over the shipped ones.
 */
import { getPreset } from '../dit/config';
import { countFlops, params } from '../dit/flops';
import { GRID_PATCHES, GRID_SIZES, scalingGrid, type GridSize, type ModelIndexEntry, type ModelsIndex } from './models-index';
import { spearman, type RankCorrelation } from './rank-correlation';

export interface GridCell {
  /** 'S/4' ... 'L/1'. */
  label: string;
  preset: string;
  size: GridSize;
  patch: number;
  tokens: number;
  /** Forward cost per image, millions of multiply-adds (the paper's counting, lib/dit/flops.ts). */
  mflops: number;
  parameters: number;
  /** The shipped model of this cell, or null when it is not trained yet. */
  entry: ModelIndexEntry | null;
}

export interface GridSummary {
  cells: GridCell[];
  /** Cells with a shipped model that has scores (FLD and accuracy). */
  scored: GridCell[];
  /** Spearman's rho between Mflops and FLD over `scored`; null with fewer than 3 (or no spread). */
  correlation: RankCorrelation | null;
  /** FLD floors (test vs train, VAE reconstructions vs train) as the shipped models report them. */
  floors: Record<string, number>;
}

export const GRID_TOTAL = GRID_SIZES.length * GRID_PATCHES.length;

export function summariseGrid(index: ModelsIndex | null): GridSummary {
  const shipped = index ? scalingGrid(index) : [];
  const cells: GridCell[] = GRID_SIZES.flatMap((size) =>
    GRID_PATCHES.map((patch) => {
      const preset = `DiT-mini-${size}/${patch}`;
      const config = getPreset(preset);
      const entry = shipped.find((g) => g.size === size && g.patch === patch)?.entry ?? null;
      return {
        label: `${size}/${patch}`,
        preset,
        size,
        patch,
        tokens: (config.inputSize / patch) ** 2,
        // The shipped model's own count when present (it was computed from its configuration at ship time).
        mflops: entry?.gflops != null ? entry.gflops * 1e3 : countFlops(config).total / 1e6,
        parameters: entry?.parameters ?? params(config),
        entry,
      };
    }),
  );
  const scored = cells.filter((c) => c.entry?.scores);
  const correlation = spearman(
    scored.map((c) => c.mflops),
    scored.map((c) => c.entry!.scores!.fld),
  );
  const floors = scored.find((c) => Object.keys(c.entry!.scores!.floors).length > 0)?.entry!.scores!.floors ?? {};
  return { cells, scored, correlation, floors };
}
