'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { SandboxClient, type SandboxOutcome } from '@/lib/sandbox/client';
import type { SandboxRequest } from '@/lib/sandbox/protocol';

let client: SandboxClient | null = null;

/** The page's one sandbox client; its workers are made here so that Next bundles the worker file. */
export function getSandbox(): SandboxClient {
  client ??= new SandboxClient(
    () => new Worker(new URL('../../lib/worker/sandbox.worker.ts', import.meta.url), { type: 'module', name: 'dit-lab-sandbox' }),
    `${window.location.origin}/`,
  );
  return client;
}

/** Runs code in the sandbox; a newer run makes an older one's answer stale (it is dropped). */
export function useSandboxRun(warm: boolean) {
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<SandboxOutcome | null>(null);
  const [runs, setRuns] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    if (warm) getSandbox().warm();
  }, [warm]);

  const run = useCallback(async (request: SandboxRequest, limitMs: number): Promise<SandboxOutcome | null> => {
    const id = ++latest.current;
    setRunning(true);
    const result = await getSandbox().run(request, limitMs);
    if (id !== latest.current) return null;
    setRunning(false);
    setOutcome(result);
    setRuns((n) => n + 1);
    return result;
  }, []);

  /** runs: how many runs have finished (the e2e tests wait on it). */
  return { running, outcome, runs, run };
}
