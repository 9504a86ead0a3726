'use client';
/**
 * State of the attention-maps widget: the digit, the timestep, the label (true or null), the noise
 * seed and the query token. Each change of the first four sends one 'attention' request to the model
 * worker (one traced forward pass of the shipped DiT); choosing another query only re-reads the maps
 * already here (lib/inspect/attention.ts).
 */
import { useId, useMemo, type RefObject } from 'react';
import { headMeanRow, attentionRow, summarize, uniformDistance, type HeadSummary } from '@/lib/inspect/attention';
import type { AttentionMapsResult } from '@/lib/worker/protocol';
import { MAX_SEED, rerollSeed } from '@/lib/sample/settings';
import { DIGIT_URL_FIELDS, type UrlSpec } from '@/lib/url-settings';
import { useLinkedSettings } from '../shared/use-url-settings';
import { useDigits, usePickedDigit } from '@/components/widgets/shared/use-digits';
import { resolveModel, useModelBackend, useNearViewport } from '../shared/use-model-worker';
import { useWorkerCall } from '../shared/use-worker-call';

export type LabelMode = 'true' | 'null';

export interface AttentionSettings {
  digitClass: number;
  sample: number;
  /** The reader's timestep, 1..1000 (the network sees t - 1, as the official code counts). */
  t: number;
  labelMode: LabelMode;
  seed: number;
  query: number;
}

export const DEFAULT_ATTENTION: AttentionSettings = { digitClass: 7, sample: 1, t: 50, labelMode: 'true', seed: 1, query: 5 };

/** The settings a link can carry (?am.t=200&am.query=9). */
export const AM_URL: UrlSpec<AttentionSettings> = {
  ...DIGIT_URL_FIELDS,
  t: { kind: 'int', label: 'timestep', min: 1, max: 1000 },
  labelMode: { kind: 'enum', label: 'class label', values: ['true', 'null'] },
  seed: { kind: 'int', label: 'noise seed', min: 0, max: MAX_SEED },
  query: { kind: 'int', label: 'query token', min: 0, max: 15 },
};

export function useAttentionMaps(rootRef: RefObject<HTMLElement | null>, opts: { model?: string; initial?: Partial<AttentionSettings> }) {
  const digits = useDigits();
  const near = useNearViewport(rootRef);
  const backend = useModelBackend(near);
  const model = useMemo(() => resolveModel(opts.model), [opts.model]);
  const { settings, update, urlProblems } = useLinkedSettings('am', AM_URL, { ...DEFAULT_ATTENTION, ...opts.initial });
  const channel = useId();

  const { samplesInClass, digitIndex, pixels } = usePickedDigit(digits, settings.digitClass, settings.sample);
  const label = settings.labelMode === 'true' ? settings.digitClass : null;

  const key = near && pixels ? JSON.stringify({ model, digitIndex, label, t: settings.t, seed: settings.seed }) : null;
  const call = useWorkerCall<AttentionMapsResult>(
    key,
    () => ({ type: 'attention', channel, model, pixels: pixels ?? new Float32Array(0), label, t: settings.t - 1, seed: settings.seed }),
    (msg) => (msg.type === 'attention-maps' ? msg : null),
  );
  const result = call.result;
  const dims = result ? { depth: result.depth, heads: result.heads, tokens: result.tokens } : null;
  const query = Math.min(settings.query, (result?.tokens ?? 16) - 1);

  const summaries: HeadSummary[] | null = useMemo(() => (result && dims ? summarize(result.attn, dims) : null), [result]); // eslint-disable-line react-hooks/exhaustive-deps
  /** Per block: the query's row for the mean of the heads, then each head. */
  const rows = useMemo(() => {
    if (!result || !dims) return null;
    return Array.from({ length: dims.depth }, (_, l) => ({
      mean: headMeanRow(result.attn, dims, l, query),
      heads: Array.from({ length: dims.heads }, (_, h) => attentionRow(result.attn, dims, l, h, query)),
    }));
  }, [result, query]); // eslint-disable-line react-hooks/exhaustive-deps

  return {
    urlProblems,
    digits,
    near,
    backend,
    model,
    settings,
    update,
    samplesInClass,
    digitIndex,
    pixels,
    label,
    call,
    result,
    current: call.resultKey === key && result !== null,
    query,
    rows,
    summaries,
    uniformDistance: uniformDistance(result?.gridSize ?? 4),
    reroll: () => update({ seed: rerollSeed(settings.seed) }),
  };
}
