/**
 * The page's side of the sandbox: one fresh worker per run (a warm spare is started ahead, so a run
 * does not wait for TensorFlow.js to load), killed at the time limit and thrown away after the run
 * either way. A run never rejects: it resolves to what happened, in words the page can show.
 */
import type { SandboxRequest, SandboxResponse } from './protocol';

export type SandboxOutcome = Extract<SandboxResponse, { type: 'done' | 'tested' }> | { type: 'timeout'; ms: number } | { type: 'crashed'; message: string };

interface Spare {
  worker: Worker;
  ready: Promise<string | null>; // null when ready, else why it failed
}

/** How long a fresh worker may take to load TensorFlow.js and the digits. */
const START_LIMIT_MS = 30_000;

export class SandboxClient {
  private spare: Spare | null = null;

  constructor(
    private readonly make: () => Worker,
    private readonly baseUrl: string,
  ) {}

  private start(): Spare {
    const worker = this.make();
    const ready = new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(`the sandbox did not start within ${START_LIMIT_MS / 1000} s`), START_LIMIT_MS);
      worker.onmessage = (e: MessageEvent) => {
        const m = e.data as { type: string; message?: string };
        if (m.type === 'ready' || m.type === 'failed') {
          clearTimeout(timer);
          resolve(m.type === 'ready' ? null : `the sandbox could not start: ${m.message}`);
        }
      };
      worker.onerror = (e) => {
        clearTimeout(timer);
        resolve(`the sandbox could not start: ${e.message || 'worker error'}`);
      };
    });
    worker.postMessage({ type: 'init', baseUrl: this.baseUrl });
    return { worker, ready };
  }

  /** Starts the spare worker now (when a cell or a code exercise comes near the viewport). */
  warm(): void {
    this.spare ??= this.start();
  }

  async run(request: SandboxRequest, timeLimitMs: number): Promise<SandboxOutcome> {
    const { worker, ready } = this.spare ?? this.start();
    this.spare = null;
    try {
      const failed = await ready;
      if (failed) return { type: 'crashed', message: failed };
      return await new Promise<SandboxOutcome>((resolve) => {
        const t0 = performance.now();
        const timer = setTimeout(() => resolve({ type: 'timeout', ms: performance.now() - t0 }), timeLimitMs);
        worker.onmessage = (e: MessageEvent) => {
          const m = e.data as SandboxResponse | { type: 'failed'; message: string };
          if (m.type === 'done' || m.type === 'tested') {
            clearTimeout(timer);
            resolve(m);
          } else if (m.type === 'failed') {
            clearTimeout(timer);
            resolve({ type: 'crashed', message: m.message });
          }
        };
        worker.onerror = (e) => {
          clearTimeout(timer);
          e.preventDefault();
          resolve({ type: 'crashed', message: e.message || 'the sandbox stopped (out of memory?)' });
        };
        worker.postMessage({ type: 'run', request });
      });
    } finally {
      worker.terminate();
      this.warm();
    }
  }

  dispose(): void {
    this.spare?.worker.terminate();
    this.spare = null;
  }
}
