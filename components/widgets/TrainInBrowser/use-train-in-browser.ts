'use client';
/**
 * State of the in-browser trainer: owns its worker (lib/worker/trainer.worker.ts), started when the
 * widget nears the viewport (TensorFlow.js and its backend load then; the digits and the VAE only when
 * the reader presses Train), and turns the worker's messages into plain React state. The loss history
 * lives in growing typed arrays outside React state; a version number tells the chart to redraw, at
 * most once per animation frame.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { parseBackendOverride, parseThreadsOverride } from '@/lib/backend/plan';
import type { BackendInfo } from '@/lib/worker/protocol';
import type { DataInfo, TrainerPhase, TrainerResponse } from '@/lib/worker/trainer-protocol';
import { TrainerClient, type TrainerRequestBody } from '@/lib/worker/trainer-client';
import { TEST_HOOKS, type TrainerHooks } from '@/lib/test-hooks';
import { BATCH_CHOICES, DEFAULT_TRAINER_SETTINGS, LR_CHOICES, needsReset, TRAINER_PRESETS, type TrainerSettings } from '@/lib/train/browser-recipe';
import type { UrlSpec } from '@/lib/url-settings';
import { useUrlSettings } from '../shared/use-url-settings';

/** The settings a link can carry (?tib.preset=DiT-mini-S/4&tib.lr=0.002): the four the widget's controls set. */
export const TIB_URL: UrlSpec<TrainerSettings> = {
  preset: { kind: 'enum', label: 'model', values: TRAINER_PRESETS },
  batchSize: { kind: 'int', label: 'batch size', min: 16, max: 64, only: BATCH_CHOICES },
  lr: { kind: 'number', label: 'peak learning rate', min: 1e-4, max: 5e-3, step: 1e-4, only: LR_CHOICES },
  sampleWeights: { kind: 'enum', label: 'samples from', values: ['raw', 'ema'] },
};
import { useNearViewport } from '../shared/use-model-worker';

/** Per-step numbers, appended as they arrive. */
export class LossHistory {
  length = 0;
  step = new Float64Array(1024);
  loss = new Float64Array(1024);
  mse = new Float64Array(1024);
  push(step: number, loss: number, mse: number): void {
    if (this.length === this.step.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.step = grow(this.step);
      this.loss = grow(this.loss);
      this.mse = grow(this.mse);
    }
    this.step[this.length] = step;
    this.loss[this.length] = loss;
    this.mse[this.length] = mse;
    this.length++;
  }
  clear(): void {
    this.length = 0;
  }
}

export interface SampleGrid {
  step: number;
  images: Float32Array;
  weights: 'ema' | 'raw';
  ms: number;
}

export type UiPhase = TrainerPhase | 'off' | 'starting' | 'pausing' | 'resetting';

export interface TrainerError {
  kind: string;
  message: string;
}

/** Sample grids kept for the "how it got here" strip. */
export const HISTORY_ROWS = 6;

export interface TrainInBrowserState {
  backend: ({ status: 'ready' } & BackendInfo) | { status: 'off' | 'starting' } | { status: 'error'; message: string };
  phase: UiPhase;
  settings: TrainerSettings;
  /** Structural settings of the model that exists now (null: none yet). */
  modelSettings: TrainerSettings | null;
  model: { preset: string; parameters: number; tokens: number } | null;
  data: DataInfo | null;
  dataProgress: { stage: 'download' | 'encode'; done: number; total: number } | null;
  step: number;
  lr: number | null;
  stepsPerSec: number | null;
  history: LossHistory;
  historyVersion: number;
  grids: SampleGrid[];
  error: TrainerError | null;
  /** Tensor counts the worker reported: after the data loaded (the baseline), and after the last pause and reset. */
  tensors: { baseline: number | null; paused: number | null; reset: number | null };
}

export function useTrainInBrowser(root: RefObject<HTMLElement | null>) {
  const near = useNearViewport(root);
  const worker = useRef<TrainerClient | null>(null);
  const history = useRef(new LossHistory());
  const frame = useRef<number | null>(null);
  const [s, setS] = useState<TrainInBrowserState>(() => ({
    backend: { status: 'off' },
    phase: 'off',
    settings: { ...DEFAULT_TRAINER_SETTINGS },
    modelSettings: null,
    model: null,
    data: null,
    dataProgress: null,
    step: 0,
    lr: null,
    stepsPerSec: null,
    history: history.current,
    historyVersion: 0,
    grids: [],
    error: null,
    tensors: { baseline: null, paused: null, reset: null },
  }));
  const stateRef = useRef(s);
  stateRef.current = s;

  const send = useCallback((msg: TrainerRequestBody): number => worker.current?.send(msg) ?? -1, []);

  const onMessage = useCallback((m: TrainerResponse) => {
    switch (m.type) {
      case 'ready':
        setS((p) => ({
          ...p,
          backend: { status: 'ready', backend: m.backend, reason: m.reason, fallbacks: m.fallbacks, threads: m.threads },
          phase: p.phase === 'starting' ? 'idle' : p.phase,
        }));
        return;
      case 'phase':
        setS((p) => ({
          ...p,
          // A pause or reset the reader asked for wins over a late 'training' from the worker.
          phase: (p.phase === 'pausing' && m.phase === 'training') || (p.phase === 'resetting' && m.phase !== 'idle') ? p.phase : m.phase,
          dataProgress: m.phase === 'loading-data' || m.phase === 'encoding' ? p.dataProgress : null,
          error: m.phase === 'training' ? null : p.error,
        }));
        return;
      case 'data-progress':
        setS((p) => ({ ...p, dataProgress: { stage: m.stage, done: m.done, total: m.total } }));
        return;
      case 'data-ready': {
        const { type: _t, id: _i, numTensors, ...info } = m;
        setS((p) => ({ ...p, data: info, dataProgress: null, tensors: { ...p.tensors, baseline: p.tensors.baseline ?? numTensors } }));
        return;
      }
      case 'model':
        setS((p) => ({ ...p, model: { preset: m.preset, parameters: m.parameters, tokens: m.tokens }, modelSettings: { ...p.settings } }));
        return;
      case 'steps': {
        const h = history.current;
        for (const r of m.records) h.push(r.step, r.loss, r.mse);
        const last = m.records[m.records.length - 1];
        setS((p) => ({ ...p, step: last ? last.step : p.step, lr: last ? last.lr : p.lr, stepsPerSec: m.stepsPerSec }));
        if (frame.current === null) {
          frame.current = requestAnimationFrame(() => {
            frame.current = null;
            setS((p) => ({ ...p, historyVersion: p.historyVersion + 1 }));
          });
        }
        return;
      }
      case 'samples': {
        const grid: SampleGrid = { step: m.step, images: m.images, weights: m.weights, ms: m.ms };
        setS((p) => ({ ...p, grids: [grid, ...p.grids.filter((g) => g.step !== m.step)].slice(0, HISTORY_ROWS + 1) }));
        return;
      }
      case 'paused':
        setS((p) => ({ ...p, phase: p.model ? 'paused' : 'idle', tensors: { ...p.tensors, paused: m.numTensors } }));
        return;
      case 'reset-done':
        history.current.clear();
        setS((p) => ({
          ...p,
          phase: 'idle',
          step: 0,
          lr: null,
          stepsPerSec: null,
          model: null,
          modelSettings: null,
          grids: [],
          historyVersion: p.historyVersion + 1,
          tensors: { ...p.tensors, reset: m.numTensors },
        }));
        return;
      case 'error':
        setS((p) => ({
          ...p,
          error: { kind: m.kind, message: m.message },
          backend: m.kind === 'backend' && p.backend.status !== 'ready' ? { status: 'error', message: m.message } : p.backend,
          dataProgress: null,
        }));
        return;
      default:
        return;
    }
  }, []);

  // Start the worker (and the backend) when the widget nears the viewport.
  useEffect(() => {
    if (!near || worker.current) return;
    const client = new TrainerClient(
      () => new Worker(new URL('../../../lib/worker/trainer.worker.ts', import.meta.url), { type: 'module', name: 'dit-lab-trainer' }),
      onMessage,
      (why) => setS((p) => ({ ...p, error: { kind: 'internal', message: why }, phase: 'idle' })),
    );
    worker.current = client;
    setS((p) => ({ ...p, backend: { status: 'starting' }, phase: 'starting' }));
    send({
      type: 'init',
      backend: parseBackendOverride(window.location.search),
      threads: parseThreadsOverride(window.location.search),
      baseUrl: `${window.location.origin}/`,
    });
    if (TEST_HOOKS) {
      const hooks: TrainerHooks = {
        stats: async () => {
          const m = await client.call({ type: 'stats' });
          if (m.type !== 'stats') throw new Error(`stats: ${m.type}`);
          return { numTensors: m.numTensors, numBytes: m.numBytes, backend: m.backend, step: m.step, phase: m.phase };
        },
        state: () => {
          const c = stateRef.current;
          const h = history.current;
          return { phase: c.phase, step: c.step, tensors: c.tensors, losses: Array.from(h.loss.subarray(0, h.length)), grids: c.grids.map((g) => g.step) };
        },
      };
      (window as unknown as { __ditLabTrainer?: TrainerHooks }).__ditLabTrainer = hooks;
    }
    return () => {
      client.terminate();
      worker.current = null;
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [near, onMessage, send]);

  const train = useCallback(() => {
    const c = stateRef.current;
    if (!worker.current) return;
    setS((p) => ({ ...p, phase: p.model ? 'training' : 'loading-data', error: null }));
    send({ type: 'train', settings: c.settings });
  }, [send]);

  const pause = useCallback(() => {
    // Shown at once; the worker confirms after the step that is running.
    setS((p) => ({ ...p, phase: 'pausing' }));
    send({ type: 'pause' });
  }, [send]);

  const reset = useCallback(() => {
    setS((p) => ({ ...p, phase: 'resetting' }));
    send({ type: 'reset' });
  }, [send]);

  const sampleNow = useCallback(() => send({ type: 'sample' }), [send]);

  const update = useCallback(
    (patch: Partial<TrainerSettings>) => {
      const next = { ...stateRef.current.settings, ...patch };
      setS((p) => ({ ...p, settings: next }));
      if (worker.current && stateRef.current.model) send({ type: 'settings', settings: next });
    },
    [send],
  );

  const urlProblems = useUrlSettings('tib', TIB_URL, update);

  /** Model size, patch and batch are locked while a model exists (they need a fresh one: Reset). */
  const locked = s.model !== null || s.phase === 'loading-data' || s.phase === 'encoding' || s.phase === 'building';
  const pendingReset = s.modelSettings !== null && needsReset(s.modelSettings, s.settings);

  return { ...s, train, pause, reset, sampleNow, update, locked, pendingReset, urlProblems };
}
