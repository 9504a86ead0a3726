'use client';
/**
 * State of the guidance sweep: the same seeds sampled under several guidance scales, in one request
 * whose samples each carry their own scale (lib/diffusion/guidance.ts, one scale per sample), so every column
 * starts from the same x_T and only s differs down a column.
 */
import { useId, useMemo, type RefObject } from 'react';
import type { SampleParams } from '@/lib/worker/protocol';
import { batchSeeds, MAX_SEED, rerollSeed } from '@/lib/sample/settings';
import type { UrlSpec } from '@/lib/url-settings';
import { STEPS_RANGE } from '../ReverseSampler/use-reverse-sampler';
import { useLinkedSettings } from '../shared/use-url-settings';
import { resolveModel, useModelBackend, useNearViewport } from '../shared/use-model-worker';
import { useSampleRun } from '../shared/use-sample-run';

/** s = 1 is the plain conditional model; DiT's best FID-50K uses s = 1.5 (Peebles & Xie, Table 4). */
export const SWEEP_SCALES = [1, 1.5, 3, 5, 8] as const;
export const SWEEP_SEEDS = 6;

export interface SweepSettings {
  label: number;
  steps: number;
  seed: number;
}

export function sweepParams(s: SweepSettings, model: string, channel: string, scales: readonly number[] = SWEEP_SCALES): SampleParams {
  const seeds = batchSeeds(s.seed, SWEEP_SEEDS);
  return {
    channel,
    model,
    labels: new Array<number>(scales.length * SWEEP_SEEDS).fill(s.label),
    // Row r, column c: seed c under scale r.
    seeds: scales.flatMap(() => seeds),
    guidanceScale: scales.flatMap((g) => new Array<number>(SWEEP_SEEDS).fill(g)),
    steps: s.steps,
    // Deterministic DDIM: a column's pictures differ only through s, not through fresh step noise.
    sampler: 'ddim',
    eta: 0,
    cfgChannels: 'all',
    traceIndex: -1,
    previewEveryMs: 150,
  };
}

/** The settings a link can carry (?gs.label=3&gs.seed=7). */
export const GS_URL: UrlSpec<SweepSettings> = {
  label: { kind: 'int', label: 'class', min: 0, max: 9 },
  steps: { kind: 'int', label: 'steps', min: STEPS_RANGE.min, max: STEPS_RANGE.max },
  seed: { kind: 'int', label: 'seed', min: 0, max: MAX_SEED },
};

export function useGuidanceSweep(rootRef: RefObject<HTMLElement | null>, opts: { model?: string; initial?: Partial<SweepSettings> }) {
  const near = useNearViewport(rootRef);
  const backend = useModelBackend(near);
  const { settings, setSettings, update, urlProblems } = useLinkedSettings<SweepSettings>('gs', GS_URL, { label: 3, steps: 25, seed: 7, ...opts.initial });
  const model = useMemo(() => resolveModel(opts.model), [opts.model]);
  const channel = useId();
  const run = useSampleRun(near ? sweepParams(settings, model, channel) : null);
  return {
    urlProblems,
    near,
    backend,
    settings,
    model,
    run,
    update,
    reroll: () => setSettings((s) => ({ ...s, seed: rerollSeed(s.seed) })),
  };
}
