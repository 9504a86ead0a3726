'use client';
import { useCallback, useMemo, useState } from 'react';
import { DEFAULT_NUM_TIMESTEPS, SCHEDULE_LABELS, type ScheduleName } from '@/lib/diffusion/schedules';
import { allSchedules, SCHEDULES } from '@/components/widgets/shared/schedules';
import type { UrlSpec } from '@/lib/url-settings';
import { useUrlSettings } from '../shared/use-url-settings';

export { SCHEDULES };

export type BetaAxis = 'log' | 'linear';

export interface ScheduleReadout {
  name: ScheduleName;
  label: string;
  beta: number;
  alphaBar: number;
  sqrtAlphaBar: number;
  logSnr: number;
}

export interface ExplorerSettings {
  t: number;
  betaAxis: BetaAxis;
}

/** The settings a link can carry (?nse.t=250&nse.betaAxis=linear). */
export const NSE_URL: UrlSpec<ExplorerSettings> = {
  t: { kind: 'int', label: 'timestep', min: 1, max: DEFAULT_NUM_TIMESTEPS },
  betaAxis: { kind: 'enum', label: 'β axis', values: ['log', 'linear'] },
};

/** State of the explorer: the paper's t (1..T), the beta axis and which schedules are drawn. */
export function useNoiseScheduleExplorer(initialT = 500) {
  const schedules = useMemo(allSchedules, []);
  const numTimesteps = DEFAULT_NUM_TIMESTEPS;
  const [t, setTRaw] = useState(initialT);
  const [betaAxis, setBetaAxis] = useState<BetaAxis>('log');
  const [visible, setVisible] = useState<Record<ScheduleName, boolean>>({ linear: true, 'scaled-linear': true, cosine: true });

  const setT = useCallback((value: number) => setTRaw(Math.min(numTimesteps, Math.max(1, Math.round(value)))), [numTimesteps]);
  const urlProblems = useUrlSettings<ExplorerSettings>('nse', NSE_URL, (p) => {
    if (p.t !== undefined) setTRaw(p.t);
    if (p.betaAxis !== undefined) setBetaAxis(p.betaAxis);
  });
  const toggle = useCallback((name: ScheduleName) => setVisible((v) => ({ ...v, [name]: !v[name] })), []);

  // Index t - 1 holds the paper's timestep t (lib/diffusion/schedules.ts).
  const readout: ScheduleReadout[] = SCHEDULES.map((name) => {
    const c = schedules[name];
    const i = t - 1;
    return {
      name,
      label: SCHEDULE_LABELS[name],
      beta: c.betas[i],
      alphaBar: c.alphasCumprod[i],
      sqrtAlphaBar: c.sqrtAlphasCumprod[i],
      logSnr: c.logSnr[i],
    };
  });

  return {
    schedules,
    numTimesteps,
    t,
    setT,
    betaAxis,
    setBetaAxis,
    visible,
    toggle,
    readout,
    settings: { t, betaAxis } satisfies ExplorerSettings,
    urlProblems,
  };
}
