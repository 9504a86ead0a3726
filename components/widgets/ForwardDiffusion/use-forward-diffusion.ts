'use client';
import { useCallback, useMemo, useState } from 'react';
import { PADDED_SIZE } from '@/lib/data/mnist';
import { randn } from '@/lib/random';
import { DEFAULT_NUM_TIMESTEPS, qSampleInto, type ScheduleName } from '@/lib/diffusion/schedules';
import { allSchedules } from '@/components/widgets/shared/schedules';
import { useDigits, useDigitChoice } from '@/components/widgets/shared/use-digits';
import { histogram, meanStd } from './forward-diffusion';
import { MAX_SEED, rerollSeed } from '@/lib/sample/settings';
import { DIGIT_URL_FIELDS, type UrlSpec } from '@/lib/url-settings';
import { useUrlSettings } from '../shared/use-url-settings';

export const INITIAL_SEED = 1;
export const HIST_RANGE = { lo: -4, hi: 4, bins: 48 } as const;
const PIXELS = PADDED_SIZE * PADDED_SIZE;

export interface ForwardSettings {
  digitClass: number;
  sample: number;
  t: number;
  schedule: ScheduleName;
  seed: number;
}

/** The settings a link can carry (?fd.t=750&fd.schedule=cosine). */
export const FD_URL: UrlSpec<ForwardSettings> = {
  ...DIGIT_URL_FIELDS,
  t: { kind: 'int', label: 'timestep', min: 1, max: DEFAULT_NUM_TIMESTEPS },
  schedule: { kind: 'enum', label: 'schedule', values: ['linear', 'scaled-linear', 'cosine'] },
  seed: { kind: 'int', label: 'noise seed', min: 0, max: MAX_SEED },
};

/**
 * State of the forward-diffusion widget: which digit, which t, which schedule, which noise. Everything
 * derived is recomputed synchronously on change (about 3,000 multiply-adds), so a slider move repaints
 * in the same frame.
 */
export function useForwardDiffusion() {
  const digits = useDigits();
  const choice = useDigitChoice(digits);
  const { digitClass, sample } = choice;
  const [t, setT] = useState(200);
  const [schedule, setSchedule] = useState<ScheduleName>('linear');
  const [seed, setSeed] = useState(INITIAL_SEED);

  // All zeros (mid grey) until the digits arrive.
  const x0 = useMemo(() => choice.pixels ?? new Float32Array(PIXELS), [choice.pixels]);

  const eps = useMemo(() => randn(PIXELS, seed), [seed]);
  const constants = allSchedules()[schedule];
  const i = t - 1; // index i holds the paper's timestep t = i + 1
  const alphaBar = constants.alphasCumprod[i];
  const sqrtAlphaBar = constants.sqrtAlphasCumprod[i];
  const sqrtOneMinusAlphaBar = constants.sqrtOneMinusAlphasCumprod[i];
  const xt = useMemo(() => qSampleInto(new Float32Array(PIXELS), x0, eps, sqrtAlphaBar, sqrtOneMinusAlphaBar), [x0, eps, sqrtAlphaBar, sqrtOneMinusAlphaBar]);

  const histXt = useMemo(() => histogram(xt, HIST_RANGE.lo, HIST_RANGE.hi, HIST_RANGE.bins), [xt]);
  const histX0 = useMemo(() => histogram(x0, HIST_RANGE.lo, HIST_RANGE.hi, HIST_RANGE.bins), [x0]);
  const stats = useMemo(() => meanStd(xt), [xt]);
  const reroll = useCallback(() => setSeed((s) => rerollSeed(s)), []);
  const urlProblems = useUrlSettings<ForwardSettings>('fd', FD_URL, (p) => {
    choice.apply(p);
    if (p.t !== undefined) setT(p.t);
    if (p.schedule !== undefined) setSchedule(p.schedule);
    if (p.seed !== undefined) setSeed(p.seed);
  });

  return {
    digits,
    ready: digits.status === 'ready',
    digitClass,
    sample,
    picker: choice.picker,
    t,
    setT,
    numTimesteps: DEFAULT_NUM_TIMESTEPS,
    schedule,
    setSchedule,
    seed,
    reroll,
    settings: { digitClass, sample, t, schedule, seed } satisfies ForwardSettings,
    urlProblems,
    x0,
    eps,
    xt,
    alphaBar,
    sqrtAlphaBar,
    sqrtOneMinusAlphaBar,
    snr: alphaBar / (1 - alphaBar),
    logSnr: constants.logSnr[i],
    histXt,
    histX0,
    stats,
  };
}
