'use client';
/**
 * The shipped models index (public/models/index.json, written by scripts/build-assets.ts), fetched
 * once per page and shared by the results widgets. A missing or malformed index becomes a problem
 * sentence the widget shows; the widget still draws what does not depend on it (the paper's data).
 */
import { useEffect, useState } from 'react';
import { MODELS_INDEX_URL, parseModelsIndex, type ModelsIndex } from '@/lib/models/models-index';

export type ModelsIndexState = { status: 'loading' } | { status: 'ready'; index: ModelsIndex } | { status: 'error'; problem: string };

let pending: Promise<ModelsIndexState> | null = null;

async function fetchIndex(): Promise<ModelsIndexState> {
  let res: Response;
  try {
    res = await fetch(MODELS_INDEX_URL, { cache: 'no-cache' });
  } catch (e) {
    return { status: 'error', problem: `the models index could not be fetched (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!res.ok) return { status: 'error', problem: `the models index could not be fetched (HTTP ${res.status} for ${MODELS_INDEX_URL})` };
  let raw: unknown;
  try {
    raw = await res.json();
  } catch {
    return { status: 'error', problem: `the models index (${MODELS_INDEX_URL}) is not valid JSON` };
  }
  const parsed = parseModelsIndex(raw);
  return parsed.ok ? { status: 'ready', index: parsed.index } : { status: 'error', problem: parsed.problem };
}

export function useModelsIndex(): ModelsIndexState {
  const [state, setState] = useState<ModelsIndexState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    pending ??= fetchIndex();
    void pending.then((s) => live && setState(s));
    return () => {
      live = false;
    };
  }, []);
  return state;
}
