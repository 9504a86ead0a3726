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

export type Connect = 'size' | 'patch' | 'none';

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
  const [paperSelected, setPaperSelected] = useState<string | null>('XL/2');
  const [oursSelected, setOursSelected] = useState<string | null>(null);
  return { index, grid, paperCorrelation, connect, setConnect, paperSelected, setPaperSelected, oursSelected, setOursSelected };
}
