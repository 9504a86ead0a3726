'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { readUrlSettings, type UrlSpec } from '@/lib/url-settings';

/**
 * Applies the settings the page address gives this widget, once, after hydration (the static HTML
 * shows the defaults), and keeps a sentence for each value the address got wrong.
 */
export function useUrlSettings<S>(prefix: string, spec: UrlSpec<S>, apply: (patch: Partial<S>) => void): string[] {
  const [problems, setProblems] = useState<string[]>([]);
  const applyRef = useRef(apply);
  applyRef.current = apply;
  useEffect(() => {
    const { patch, problems } = readUrlSettings(window.location.search, prefix, spec);
    if (Object.keys(patch).length > 0) applyRef.current(patch);
    setProblems(problems);
    // The address is read once; the spec is a module constant.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [prefix]);
  return problems;
}

/**
 * A widget's settings kept in state: update() patches them, and the address's settings for this
 * widget are applied once, with a sentence for each value it got wrong.
 */
export function useLinkedSettings<S>(prefix: string, spec: UrlSpec<S>, initial: S) {
  const [settings, setSettings] = useState<S>(initial);
  const update = useCallback((patch: Partial<S>) => setSettings((s) => ({ ...s, ...patch })), []);
  const urlProblems = useUrlSettings(prefix, spec, update);
  return { settings, setSettings, update, urlProblems };
}
