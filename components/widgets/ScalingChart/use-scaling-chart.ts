'use client';
/**
 * State of the scaling chart: the models index (shared fetch), the grid summary and correlations
 * derived from it (lib/models), the reader's line choice and the selected point of each plot.
 */
import { useMemo, useState } from 'react';
import { spearman } from '@/lib/models/rank-correlation';
import { PAPER_SCALING } from '@/lib/models/paper-results';
import { summariseGrid } from '@/lib/models/scaling-grid';
import { useModelsIndex } from '@/components/widgets/shared/use-models-index';
import { GRID_PATCHES, GRID_SIZES } from '@/lib/models/models-index';
import type { UrlSpec } from '@/lib/url-settings';
import { useUrlSettings } from '../shared/use-url-settings';

export type Connect = 'size' | 'patch' | 'none';
export type YScale = 'linear' | 'log';

/** What a link can set: how points are joined, the y axis, and which point of each plot is read out ('none' for none). */
export interface ChartSettings {
  connect: Connect;
  y: YScale;
  paper: string;
  ours: string;
}

export const SC_URL: UrlSpec<ChartSettings> = {
  connect: { kind: 'enum', label: 'join points of the', values: ['size', 'patch', 'none'] },
  y: { kind: 'enum', label: 'y axis', values: ['linear', 'log'] },
  paper: { kind: 'enum', label: "paper's model", values: [...PAPER_SCALING.map((r) => r.model), 'none'] },
  ours: { kind: 'enum', label: 'our model', values: [...GRID_SIZES.flatMap((s) => GRID_PATCHES.map((p) => `${s}/${p}`)), 'none'] },
};

export function useScalingChart() {
  const index = useModelsIndex();
  const grid = useMemo(() => summariseGrid(index.status === 'ready' ? index.index : null), [index]);
  const paperCorrelation = useMemo(
    () =>
      spearman(
        PAPER_SCALING.map((r) => r.gflops),
        PAPER_SCALING.map((r) => r.fid),
      ),
    [],
  );
  const [connect, setConnect] = useState<Connect>('size');
  const [yScale, setYScale] = useState<YScale>('linear');
  const [paperSelected, setPaperSelected] = useState<string | null>('XL/2');
  const [oursSelected, setOursSelected] = useState<string | null>(null);
  const urlProblems = useUrlSettings<ChartSettings>('sc', SC_URL, (p) => {
    if (p.connect !== undefined) setConnect(p.connect);
    if (p.y !== undefined) setYScale(p.y);
    if (p.paper !== undefined) setPaperSelected(p.paper === 'none' ? null : p.paper);
    if (p.ours !== undefined) setOursSelected(p.ours === 'none' ? null : p.ours);
  });
  const settings: ChartSettings = { connect, y: yScale, paper: paperSelected ?? 'none', ours: oursSelected ?? 'none' };
  return {
    index,
    grid,
    paperCorrelation,
    connect,
    setConnect,
    yScale,
    setYScale,
    paperSelected,
    setPaperSelected,
    oursSelected,
    setOursSelected,
    settings,
    urlProblems,
  };
}
