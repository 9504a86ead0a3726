'use client';
/**
 * The one model worker of a page, shared by every widget that samples (ReverseSampler,
 * GuidanceSweep), and the hooks that start it only when a widget comes near the viewport: until then
 * no TensorFlow.js is downloaded at all (the worker imports it; the page never does).
 */
import { useEffect, useState, type RefObject } from 'react';
import { ModelClient } from '@/lib/worker/model-client';
import { TEST_HOOKS, type ModelHooks } from '@/lib/test-hooks';
import { parseBackendOverride, parseThreadsOverride } from '@/lib/backend/plan';
import { DEFAULT_MODEL, type BackendInfo, type WorkerResponse } from '@/lib/worker/protocol';

let client: ModelClient | null = null;

export function getModelClient(): ModelClient {
  if (!client) {
    const c = new ModelClient(() => new Worker(new URL('../../../lib/worker/model.worker.ts', import.meta.url), { type: 'module', name: 'dit-lab-model' }), {
      backend: parseBackendOverride(window.location.search),
      threads: parseThreadsOverride(window.location.search),
      baseUrl: `${window.location.origin}/`,
    });
    client = c;
    if (!TEST_HOOKS) return c;
    const hooks: ModelHooks = {
      stats: async () => {
        const m = (await c.call({ type: 'stats' })) as Extract<WorkerResponse, { type: 'stats' }>;
        return { numTensors: m.numTensors, numBytes: m.numBytes, backend: m.backend };
      },
      crash: () => void c.request({ type: 'crash' }, () => undefined),
      restarts: () => c.restarts,
      lastImages: () => (c.lastDone ? { images: Array.from(c.lastDone.images), backend: c.lastDone.backend } : null),
    };
    (window as unknown as { __ditLabModel?: ModelHooks }).__ditLabModel = hooks;
  }
  return client;
}

/**
 * The model folder to load: `?model=models/NAME-vK` on the page wins (tests point widgets at
 * fixtures and at broken folders with it), then the widget's prop, then the shipped default.
 */
export function resolveModel(prop: string | undefined): string {
  if (typeof window !== 'undefined') {
    const q = new URLSearchParams(window.location.search).get('model');
    if (q && /^models\/[a-z0-9][a-z0-9-]*$/.test(q)) return q;
  }
  return prop ?? DEFAULT_MODEL;
}

/** True once the element has come within `margin` of the viewport (and stays true). */
export function useNearViewport(ref: RefObject<Element | null>, margin = '400px'): boolean {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || near) return;
    if (typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setNear(true);
          io.disconnect();
        }
      },
      { rootMargin: margin },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [ref, margin, near]);
  return near;
}

export type BackendState = { status: 'off' } | { status: 'starting' } | ({ status: 'ready' } & BackendInfo) | { status: 'error'; message: string };

/** Starts the worker when `enabled` and reports the backend it chose and why. */
export function useModelBackend(enabled: boolean): BackendState {
  const [state, setState] = useState<BackendState>({ status: 'off' });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState({ status: 'starting' });
    getModelClient()
      .backendInfo()
      .then(
        (info) => live && setState({ status: 'ready', ...info }),
        (e: unknown) => live && setState({ status: 'error', message: e instanceof Error ? e.message : String(e) }),
      );
    return () => {
      live = false;
    };
  }, [enabled]);
  return state;
}

/**
 * The error a widget shows: its own request's failure first, else a backend that could not start,
 * else none.
 */
export function widgetError(
  work: { status: string; error?: { kind: string; message: string } | null },
  backend: BackendState,
): { title: string; detail: string } | null {
  if (work.status === 'error' && work.error) return describeError(work.error.kind, work.error.message);
  return backend.status === 'error' ? describeError('backend', backend.message) : null;
}

/** Human words for an error reply, by kind. */
export function describeError(kind: string, message: string): { title: string; detail: string } {
  switch (kind) {
    case 'weights':
      return { title: "The model's weights could not be loaded.", detail: message };
    case 'backend':
      return { title: 'TensorFlow.js could not start in this browser.', detail: message };
    case 'request':
      return { title: 'The widget asked for something the model cannot do.', detail: message };
    default:
      return { title: 'The model stopped unexpectedly.', detail: message };
  }
}
