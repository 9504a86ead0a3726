'use client';
/**
 * State of the reverse-process widget: the reader's settings, the sampling request they imply, and
 * the filmstrip (x_t and predicted x_0 of one sample at every step) with its playback.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react';
import type { SampleParams, SamplerName } from '@/lib/worker/protocol';
import { batchSeeds, MAX_SEED, rerollSeed, SAMPLERS } from '@/lib/sample/settings';
import type { UrlSpec } from '@/lib/url-settings';
import { useUrlSettings } from '../shared/use-url-settings';
import { resolveModel, useModelBackend, useNearViewport } from '../shared/use-model-worker';
import { useSampleRun, type StepMessage } from '../shared/use-sample-run';

export const GRID_SAMPLES = 16;
export const STEPS_RANGE = { min: 10, max: 250 } as const;

export interface SamplerSettings {
  /** 0..9, or -1 for a random class per sample (drawn from its seed). */
  label: number;
  guidance: number;
  steps: number;
  sampler: SamplerName;
  eta: number;
  seed: number;
  /** Which grid cell the filmstrip follows. */
  traced: number;
}

export const DEFAULT_SETTINGS: SamplerSettings = { label: -1, guidance: 4, steps: 50, sampler: 'ddim', eta: 0, seed: 1, traced: 0 };

/** The settings a link can carry (?rs.seed=5&rs.steps=20), with the ranges of the controls. */
export const RS_URL: UrlSpec<SamplerSettings> = {
  label: { kind: 'int', label: 'class', min: -1, max: 9 },
  guidance: { kind: 'number', label: 'guidance scale', min: 0, max: 10, step: 0.5 },
  steps: { kind: 'int', label: 'steps', min: STEPS_RANGE.min, max: STEPS_RANGE.max },
  sampler: { kind: 'enum', label: 'sampler', values: SAMPLERS },
  eta: { kind: 'number', label: 'eta', min: 0, max: 1, step: 0.1 },
  seed: { kind: 'int', label: 'seed', min: 0, max: MAX_SEED },
  traced: { kind: 'int', label: 'followed sample', min: 0, max: GRID_SAMPLES - 1 },
};

export interface Filmstrip {
  /** Frame 0 is x_T (no prediction yet: its x0 is empty); frame k is the state after step k. */
  xt: Float32Array[];
  x0: Float32Array[];
  /** The original timestep (0-based) of each frame's network call; frame 0 (x_T) has T - 1. */
  t: number[];
}

export function sampleParams(s: SamplerSettings, model: string, channel: string): SampleParams {
  return {
    channel,
    model,
    labels: new Array<number>(GRID_SAMPLES).fill(s.label),
    // The command line's `sample --seed S --n 16` draws the same sixteen samples (lib/sample/run.ts).
    seeds: batchSeeds(s.seed, GRID_SAMPLES),
    steps: s.steps,
    sampler: s.sampler,
    eta: s.sampler === 'ddim' ? s.eta : 0,
    guidanceScale: s.guidance,
    cfgChannels: 'all',
    traceIndex: s.traced,
    // A grid preview at most every 120 ms keeps decoding cheap; the filmstrip frame comes every step.
    previewEveryMs: 120,
  };
}

export function useReverseSampler(rootRef: RefObject<HTMLElement | null>, opts: { model?: string; initial?: Partial<SamplerSettings> }) {
  const near = useNearViewport(rootRef);
  const backend = useModelBackend(near);
  const [settings, setSettings] = useState<SamplerSettings>({ ...DEFAULT_SETTINGS, ...opts.initial });
  const model = useMemo(() => resolveModel(opts.model), [opts.model]);

  const film = useRef<Filmstrip & { requestId: number }>({ xt: [], x0: [], t: [], requestId: -1 });
  const [frames, setFrames] = useState(0);
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  const following = useRef(true); // the scrubber follows the newest frame until the reader moves it

  const onStep = useCallback((msg: StepMessage, requestId: number) => {
    const f = film.current;
    if (f.requestId !== requestId) {
      film.current = { xt: [], x0: [], t: [], requestId };
      following.current = true;
    }
    if (msg.xt.length === 0) return;
    film.current.xt.push(msg.xt);
    film.current.x0.push(msg.x0);
    film.current.t.push(msg.t);
    const n = film.current.xt.length;
    setFrames(n);
    if (following.current) setFrame(n - 1);
  }, []);

  const channel = useId();
  const params = near ? sampleParams(settings, model, channel) : null;
  const run = useSampleRun(params, onStep);

  // Playback: about 15 frames a second, stopping at the last frame.
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setFrame((f) => {
        if (f + 1 >= film.current.xt.length) {
          setPlaying(false);
          return f;
        }
        return f + 1;
      });
    }, 66);
    return () => clearInterval(timer);
  }, [playing]);

  const update = useCallback((patch: Partial<SamplerSettings>) => {
    setPlaying(false);
    setSettings((s) => ({ ...s, ...patch }));
  }, []);

  const urlProblems = useUrlSettings('rs', RS_URL, update);

  const scrub = useCallback((i: number) => {
    following.current = i >= film.current.xt.length - 1;
    setPlaying(false);
    setFrame(i);
  }, []);

  const togglePlay = useCallback(() => {
    following.current = false;
    setPlaying((p) => {
      if (!p && frame >= film.current.xt.length - 1) setFrame(0); // replay from the start
      return !p;
    });
  }, [frame]);

  const f = film.current;
  const shown = Math.min(frame, Math.max(0, frames - 1));
  const x0 = f.x0[shown];
  return {
    near,
    backend,
    settings,
    update,
    model,
    run,
    film: { frames, frame: shown, playing, xt: f.xt[shown] ?? null, x0: x0 && x0.length > 0 ? x0 : null, t: f.t[shown] ?? null, all: f },
    scrub,
    togglePlay,
    reroll: () => update({ seed: rerollSeed(settings.seed) }),
    urlProblems,
  };
}
