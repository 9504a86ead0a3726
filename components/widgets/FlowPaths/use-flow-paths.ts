'use client';
import { useMemo } from 'react';
import { bendiness, ddimPaths, distanceToData, EIGHT_GAUSSIANS, flowPaths, TWO_GAUSSIANS, type Mixture, type Point } from '@/lib/diffusion/toy2d';
import { randn } from '@/lib/random';
import type { UrlSpec } from '@/lib/url-settings';
import { useLinkedSettings } from '../shared/use-url-settings';

export type DataName = 'eight' | 'two';
export const DATA: Record<DataName, { label: string; mixture: Mixture }> = {
  eight: { label: '8 Gaussians, a circle', mixture: EIGHT_GAUSSIANS },
  two: { label: '2 Gaussians, far apart', mixture: TWO_GAUSSIANS },
};

export interface FlowSettings {
  steps: number;
  data: DataName;
  seed: number;
}

/** The settings a link can carry (?fp.steps=5&fp.data=two&fp.seed=3). */
export const FP_URL: UrlSpec<FlowSettings> = {
  steps: { kind: 'int', label: 'steps', min: 1, max: 50 },
  data: { kind: 'enum', label: 'data', values: ['eight', 'two'] },
  seed: { kind: 'int', label: 'noise seed', min: 1, max: 9999 },
};

/** How many noise points each run starts from. */
export const STARTS = 48;
/** A point "lands on the data" within this many of the components' standard deviations. */
export const LAND_WITHIN = 3;

export interface RunSummary {
  paths: Point[][];
  landed: number;
  bend: number;
}

function summarise(m: Mixture, paths: Point[][]): RunSummary {
  return {
    paths,
    landed: paths.filter((p) => distanceToData(m, p.at(-1)!) < LAND_WITHIN).length,
    bend: paths.reduce((s, p) => s + bendiness(p), 0) / paths.length,
  };
}

/** Both samplers from the same noise points; cheap enough (48 paths, at most 50 steps) to run on every change. */
export function useFlowPaths() {
  const { settings, setSettings, update, urlProblems } = useLinkedSettings<FlowSettings>('fp', FP_URL, { steps: 5, data: 'eight', seed: 1 });
  const { steps, data, seed } = settings;
  const starts = useMemo(() => {
    const r = randn(2 * STARTS, seed);
    return Array.from({ length: STARTS }, (_, i) => [r[2 * i], r[2 * i + 1]] as Point);
  }, [seed]);
  const mixture = DATA[data].mixture;
  const ddim = useMemo(() => summarise(mixture, ddimPaths(mixture, starts, steps)), [mixture, starts, steps]);
  const flow = useMemo(() => summarise(mixture, flowPaths(mixture, starts, steps)), [mixture, starts, steps]);
  return {
    steps,
    setSteps: (v: number) => update({ steps: v }),
    data,
    setData: (v: DataName) => update({ data: v }),
    seed,
    reroll: () => setSettings((s) => ({ ...s, seed: (s.seed % 9999) + 1 })),
    mixture,
    starts,
    ddim,
    flow,
    settings,
    urlProblems,
  };
}
