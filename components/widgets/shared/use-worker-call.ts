'use client';
/**
 * One single-answer worker request at a time for a widget ('encode', 'attention'): sent when `key`
 * changes, replies to superseded requests dropped (the worker also skips them: protocol.ts), weight
 * download progress and errors kept as plain state. Used by PatchifyExplorer and AttentionMaps.
 */
import { useEffect, useRef, useState } from 'react';
import type { RequestBody } from '@/lib/worker/model-client';
import type { WorkerResponse } from '@/lib/worker/protocol';
import { getModelClient } from './use-model-worker';
import { replyReader } from './replies';

export type CallStatus = 'off' | 'loading' | 'running' | 'ready' | 'error';

export interface CallState<R> {
  status: CallStatus;
  loaded: number;
  total: number;
  /** The answer of the newest request that finished (kept while a newer one runs, so nothing flickers). */
  result: R | null;
  /** The key the result belongs to (tests compare it with the current setting). */
  resultKey: string | null;
  error: { kind: string; message: string } | null;
  /** Id of the newest request sent. */
  requestId: number;
}

/**
 * key = null keeps the widget idle (not near the viewport, or nothing to ask yet). `body` builds the
 * request for the current key; `pick` turns the terminal reply into the result (null when the reply is
 * not the expected type).
 */
export function useWorkerCall<R>(key: string | null, body: () => RequestBody, pick: (msg: WorkerResponse) => R | null): CallState<R> {
  const [state, setState] = useState<CallState<R>>({ status: 'off', loaded: 0, total: 0, result: null, resultKey: null, error: null, requestId: 0 });
  const bodyRef = useRef(body);
  bodyRef.current = body;
  const pickRef = useRef(pick);
  pickRef.current = pick;

  useEffect(() => {
    if (key === null) return;
    let live = true;
    const read = replyReader();
    const req = getModelClient().request(bodyRef.current(), (msg) => {
      if (!live) return;
      const r = read(msg);
      if (r.kind === 'loading') {
        setState((s) => ({ ...s, status: 'loading', loaded: r.loaded, total: r.total }));
      } else if (r.kind === 'error') {
        setState((s) => ({ ...s, status: 'error', error: r.error }));
      } else if (r.kind === 'answer') {
        const result = pickRef.current(r.msg);
        if (result !== null) setState((s) => ({ ...s, status: 'ready', result, resultKey: key, error: null }));
      }
    });
    setState((s) => ({ ...s, status: s.result === null ? 'loading' : 'running', error: null, requestId: req.id }));
    return () => {
      live = false;
      req.cancel();
    };
  }, [key]);

  return state;
}
