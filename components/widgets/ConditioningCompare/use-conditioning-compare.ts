'use client';
/**
 * State of the conditioning comparison: the models index (shared fetch), the shipped conditioning
 * set, the reader's sampling settings, and live samples of every shipped variant for the same class
 * and seeds. The page's one model worker holds one model at a time, so the variants are sampled one
 * after another (each request is the protocol's ordinary 'sample'); a settings change cancels the
 * running request and starts the series again.
 */
import { useEffect, useId, useMemo, useState, type RefObject } from 'react';
import { CONDITIONINGS, type Conditioning } from '@/lib/dit/config';
import { conditioningSet, type ModelIndexEntry } from '@/lib/models/models-index';
import type { PendingRequest } from '@/lib/worker/model-client';
import type { SampleParams } from '@/lib/worker/protocol';
import { batchSeeds, MAX_SEED } from '@/lib/sample/settings';
import type { UrlSpec } from '@/lib/url-settings';
import { useLinkedSettings } from '../shared/use-url-settings';
import { useModelsIndex } from '@/components/widgets/shared/use-models-index';
import { getModelClient, useModelBackend, useNearViewport } from '../shared/use-model-worker';
import { replyReader } from '../shared/replies';

/** Samples per variant (a 2 x 2 grid): same class, seeds seed*4 .. seed*4+3 for every variant. */
export const SAMPLES_PER_MODEL = 4;

export interface CompareSettings {
  label: number;
  guidance: number;
  steps: number;
  seed: number;
}

export const DEFAULT_COMPARE: CompareSettings = { label: 3, guidance: 4, steps: 25, seed: 1 };

/** The settings a link can carry (?cc.label=7&cc.guidance=1), limited to what the controls offer. */
export const CC_URL: UrlSpec<CompareSettings> = {
  label: { kind: 'int', label: 'digit', min: 0, max: 9 },
  guidance: { kind: 'int', label: 'guidance scale', min: 1, max: 4, only: [1, 2, 4] },
  steps: { kind: 'int', label: 'steps', min: 10, max: 50, only: [10, 25, 50] },
  seed: { kind: 'int', label: 'seed', min: 0, max: MAX_SEED },
};

export interface VariantRun {
  status: 'waiting' | 'loading' | 'sampling' | 'done' | 'error';
  step: number;
  totalSteps: number;
  /** Latest decoded pictures (predicted x_0 while sampling, the samples when done), N*S*S in [-1, 1]. */
  images: Float32Array | null;
  msPerStep: number | null;
  error: { kind: string; message: string } | null;
}

const WAITING: VariantRun = { status: 'waiting', step: 0, totalSteps: 0, images: null, msPerStep: null, error: null };

export function compareParams(s: CompareSettings, channel: string): Omit<SampleParams, 'model'> {
  return {
    channel,
    labels: new Array<number>(SAMPLES_PER_MODEL).fill(s.label),
    seeds: batchSeeds(s.seed, SAMPLES_PER_MODEL),
    steps: s.steps,
    sampler: 'ddim',
    eta: 0,
    guidanceScale: s.guidance,
    cfgChannels: 'all',
    traceIndex: -1,
    previewEveryMs: 150,
  };
}

/**
 * Runs one 'sample' request per item, in order, and reports each one's progress under the item's key
 * (the variant: two variants could share a folder, as the tests' fixtures do).
 */
function useSampleSeries(items: { key: string; model: string }[], params: Omit<SampleParams, 'model'> | null): Record<string, VariantRun> {
  const [runs, setRuns] = useState<Record<string, VariantRun>>({});
  const key = params && items.length > 0 ? JSON.stringify({ items, params }) : null;
  useEffect(() => {
    if (!key) return;
    const { items: list, params: p } = JSON.parse(key) as { items: { key: string; model: string }[]; params: Omit<SampleParams, 'model'> };
    let live = true;
    let current: PendingRequest | null = null;
    setRuns(Object.fromEntries(list.map((it) => [it.key, WAITING])));
    const client = getModelClient();
    void (async () => {
      for (const { key: runKey, model } of list) {
        const set = (patch: Partial<VariantRun>) => live && setRuns((r) => ({ ...r, [runKey]: { ...(r[runKey] ?? WAITING), ...patch } }));
        if (!live) return;
        await new Promise<void>((resolve) => {
          const read = replyReader();
          current = client.request({ type: 'sample', ...p, model }, (m) => {
            const r = read(m);
            switch (r.kind) {
              case 'loading':
                set({ status: 'loading' });
                return;
              case 'step':
                set({
                  status: 'sampling',
                  step: r.msg.step + 1,
                  totalSteps: r.msg.totalSteps,
                  ...(r.msg.grid.length > 0 ? { images: r.msg.grid } : {}),
                  msPerStep: r.msPerStep,
                });
                return;
              case 'done':
                set({ status: 'done', step: p.steps, totalSteps: p.steps, images: r.msg.images, msPerStep: r.msg.msPerStep, error: null });
                resolve();
                return;
              case 'error':
                set({ status: 'error', error: r.error });
                resolve();
                return;
              case 'cancelled':
                resolve();
                return;
              default:
                return;
            }
          });
          set({ status: 'loading' });
        });
      }
    })();
    return () => {
      live = false;
      current?.cancel();
    };
  }, [key]);
  return runs;
}

export function useConditioningCompare(rootRef: RefObject<HTMLElement | null>) {
  const index = useModelsIndex();
  const set = useMemo<Partial<Record<Conditioning, ModelIndexEntry>>>(() => (index.status === 'ready' ? conditioningSet(index.index) : {}), [index]);
  const shipped = CONDITIONINGS.filter((c) => set[c]);
  const near = useNearViewport(rootRef);
  // The worker (and TensorFlow.js) starts only when there is a model to sample and the figure is near.
  const active = near && shipped.length > 0;
  const backend = useModelBackend(active);
  const { settings, update, urlProblems } = useLinkedSettings('cc', CC_URL, DEFAULT_COMPARE);
  const channel = useId();
  const items = shipped.map((c) => ({ key: c, model: set[c]!.folder }));
  const runs = useSampleSeries(items, active ? compareParams(settings, channel) : null);
  return {
    urlProblems,
    index,
    set,
    shipped,
    missing: CONDITIONINGS.filter((c) => !set[c]),
    near,
    backend,
    settings,
    update,
    runs,
  };
}
