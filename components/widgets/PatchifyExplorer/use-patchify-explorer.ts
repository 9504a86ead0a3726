'use client';
/**
 * State of the patchify widget: which digit, which patch size, which token. The digit's latent comes
 * from the VAE in the model worker (an 'encode' request, sent only once the widget nears the
 * viewport); everything else (patch grid, token indices, T, Gflops, position similarity) is computed
 * here from lib/inspect/patchify.ts and shows at once.
 */
import { useCallback, useEffect, useId, useMemo, useState, type RefObject } from 'react';
import { DEFAULT_VAE } from '@/lib/sample/folder';
import { patchVector, patchifyMatrix, positionSimilarity, tokenAt, tokenPosition, tokenTable, miniHidden } from '@/lib/inspect/patchify';
import { useDigits, useDigitChoice } from '@/components/widgets/shared/use-digits';
import { useModelBackend, useNearViewport } from '../shared/use-model-worker';
import { useWorkerCall } from '../shared/use-worker-call';
import { DIGIT_URL_FIELDS, type UrlSpec } from '@/lib/url-settings';
import { useUrlSettings } from '../shared/use-url-settings';
import { publishWidgetState } from '@/lib/exercises/widget-state';

/** The latent of the project's VAE: 8x8 positions, 4 channels (lib/vae/config.ts). */
export const LATENT_SIDE = 8;
export const LATENT_CHANNELS = 4;
/** Position codes are shown for DiT-mini-B's width, the shipped model's. */
export const POS_SIZE = 'B' as const;

export type PatchSize = 1 | 2 | 4;

export interface EncodedLatent {
  latents: Float32Array;
  scaleFactor: number;
  ms: number;
}

/** `?vae=models/NAME` on the page wins (tests point the widget at a broken folder with it). */
export function resolveVae(): string {
  if (typeof window !== 'undefined') {
    const q = new URLSearchParams(window.location.search).get('vae');
    if (q && /^models\/[a-z0-9][a-z0-9-]*$/.test(q)) return q;
  }
  return DEFAULT_VAE;
}

export interface PatchifySettings {
  digitClass: number;
  sample: number;
  p: PatchSize;
  token: number;
}

/** The settings a link can carry (?pe.p=4&pe.token=2). */
export const PE_URL: UrlSpec<PatchifySettings> = {
  ...DIGIT_URL_FIELDS,
  p: { kind: 'int', label: 'patch size', min: 1, max: 4, only: [1, 2, 4] },
  token: { kind: 'int', label: 'token', min: 0, max: 63 },
};

export function usePatchifyExplorer(rootRef: RefObject<HTMLElement | null>) {
  const digits = useDigits();
  const near = useNearViewport(rootRef);
  const backend = useModelBackend(near);
  const choice = useDigitChoice(digits);
  const { digitClass, sample, digitIndex, pixels } = choice;
  const [p, setPRaw] = useState<PatchSize>(2);
  const [token, setToken] = useState(5);
  const vae = useMemo(resolveVae, []);
  const channel = useId();

  const key = near && pixels ? `${vae}|${digitIndex}` : null;
  const call = useWorkerCall<EncodedLatent>(
    key,
    () => ({ type: 'encode', channel, vae, pixels: pixels ?? new Float32Array(0), count: 1 }),
    (msg) => (msg.type === 'encoded' ? { latents: msg.latents, scaleFactor: msg.scaleFactor, ms: msg.ms } : null),
  );
  const latent = call.result?.latents ?? null;

  const g = LATENT_SIDE / p;
  const T = g * g;
  const shownToken = Math.min(token, T - 1);
  const setP = useCallback(
    (next: PatchSize) => {
      // Keep the reader's place: the new token is the one holding the old patch's top-left position.
      const { i, j } = tokenPosition(Math.min(token, (LATENT_SIDE / p) ** 2 - 1), LATENT_SIDE / p);
      setToken(tokenAt(i * p, j * p, next, LATENT_SIDE));
      setPRaw(next);
    },
    [p, token],
  );
  const urlProblems = useUrlSettings<PatchifySettings>('pe', PE_URL, (q) => {
    choice.apply(q);
    if (q.p !== undefined) setPRaw(q.p);
    if (q.token !== undefined) setToken(q.token);
  });

  // The exercise that asks for a token reads it from here (lib/exercises/widget-state.ts).
  useEffect(() => publishWidgetState('patchify-explorer', { p, token: shownToken }), [p, shownToken]);

  const matrix = useMemo(() => (latent ? patchifyMatrix(latent, LATENT_SIDE, LATENT_CHANNELS, p) : null), [latent, p]);
  const vector = useMemo(() => (latent ? patchVector(latent, LATENT_SIDE, LATENT_CHANNELS, p, shownToken) : null), [latent, p, shownToken]);
  const maxAbs = useMemo(() => (latent ? latent.reduce((m, v) => Math.max(m, Math.abs(v)), 0) : 1), [latent]);
  const posDim = miniHidden(POS_SIZE);
  const posSim = useMemo(() => positionSimilarity(posDim, g, shownToken), [posDim, g, shownToken]);
  const table = useMemo(() => tokenTable(), []);

  return {
    digits,
    near,
    backend,
    vae,
    call,
    digitClass,
    sample,
    picker: choice.picker,
    digitIndex,
    pixels,
    p,
    setP,
    g,
    T,
    token: shownToken,
    setToken,
    settings: { digitClass, sample, p, token: shownToken } satisfies PatchifySettings,
    urlProblems,
    latent,
    /** True when the latent on screen belongs to the digit now chosen. */
    current: call.resultKey === key && latent !== null,
    matrix,
    vector,
    maxAbs,
    posDim,
    posSim,
    table,
  };
}
