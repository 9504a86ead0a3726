'use client';
/**
 * One sampling request at a time for a widget: sends it to the page's model worker when the settings
 * change, drops replies to superseded requests, and keeps what the render layer shows (progress,
 * the latest grid of predicted x_0, the final pictures, timings, errors) as plain state.
 */
import { useEffect, useRef, useState } from 'react';
import type { SampleParams } from '@/lib/worker/protocol';
import { getModelClient } from './use-model-worker';
import { replyReader, type StepMessage } from './replies';

export type { StepMessage };

export interface RunState {
  status: 'off' | 'loading' | 'sampling' | 'done' | 'error';
  /** Weight download progress in bytes (while status is 'loading'). */
  loaded: number;
  total: number;
  /** Steps taken of totalSteps in the current run. */
  step: number;
  totalSteps: number;
  /** Latest whole-grid picture (predicted x_0 while sampling, the samples when done), N*S*S. */
  grid: Float32Array | null;
  labels: Int32Array | null;
  /** Mean worker milliseconds per step of the current run. */
  msPerStep: number | null;
  totalMs: number | null;
  /** Milliseconds from sending the request to the first picture arriving. */
  firstPictureMs: number | null;
  /** Milliseconds from sending the request to the finished samples arriving. */
  doneMs: number | null;
  error: { kind: string; message: string } | null;
  /** Id of the request these fields belong to (tests read it from a data attribute). */
  requestId: number;
}

const INITIAL: RunState = {
  status: 'off',
  loaded: 0,
  total: 0,
  step: 0,
  totalSteps: 0,
  grid: null,
  labels: null,
  msPerStep: null,
  totalMs: null,
  firstPictureMs: null,
  doneMs: null,
  error: null,
  requestId: 0,
};

/**
 * params = null keeps the widget idle (not near the viewport yet). Every change of params (by value)
 * sends a new request; the worker cancels the previous one between two steps.
 */
export function useSampleRun(params: SampleParams | null, onStep?: (msg: StepMessage, requestId: number) => void): RunState {
  const [state, setState] = useState<RunState>(INITIAL);
  const onStepRef = useRef(onStep);
  onStepRef.current = onStep;
  const key = params ? JSON.stringify(params) : null;

  useEffect(() => {
    if (!key) return;
    const p = JSON.parse(key) as SampleParams;
    const sent = performance.now();
    let live = true;
    let firstMs: number | null = null;
    const client = getModelClient();
    const read = replyReader();
    const req = client.request({ type: 'sample', ...p }, (m) => {
      if (!live) return;
      const r = read(m);
      switch (r.kind) {
        case 'loading':
          setState((s) => ({ ...s, status: 'loading', loaded: r.loaded, total: r.total }));
          return;
        case 'step': {
          const msg = r.msg;
          if (firstMs === null) firstMs = performance.now() - sent;
          onStepRef.current?.(msg, req.id);
          const fm = firstMs;
          setState((s) => ({
            ...s,
            status: 'sampling',
            step: msg.step + 1,
            totalSteps: msg.totalSteps,
            grid: msg.grid.length > 0 ? msg.grid : s.grid,
            msPerStep: r.msPerStep ?? s.msPerStep,
            firstPictureMs: fm,
            error: null,
            requestId: req.id,
          }));
          return;
        }
        case 'done': {
          const doneMs = performance.now() - sent;
          const msg = r.msg;
          setState((s) => ({
            ...s,
            status: 'done',
            doneMs,
            step: s.totalSteps,
            grid: msg.images,
            labels: msg.labels,
            msPerStep: msg.msPerStep,
            totalMs: msg.totalMs,
            requestId: req.id,
          }));
          return;
        }
        case 'error':
          setState((s) => ({ ...s, status: 'error', error: r.error, requestId: req.id }));
          return;
        default:
          return;
      }
    });
    // A new request is in flight: never leave 'done' showing for it (tests and the bench wait on status).
    setState((s) => ({
      ...s,
      status: s.status === 'off' || s.status === 'loading' || (s.status === 'error' && s.error?.kind !== 'internal') ? 'loading' : 'sampling',
      error: null,
      requestId: req.id,
      step: 0,
      totalSteps: p.steps,
      firstPictureMs: null,
      doneMs: null,
    }));
    return () => {
      live = false;
      req.cancel();
    };
  }, [key]);

  return state;
}
