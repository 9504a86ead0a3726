/**
 * The one switch for test-only hooks: the model worker's 'crash' request, the client's record of the
 * last finished samples, and the window.__ditLabModel / __ditLabTrainer handles the end-to-end tests
 * drive. On only in a build made with NEXT_PUBLIC_DIT_LAB_TEST_HOOKS=1 (`npm run test:e2e` builds so)
 * and in the unit tests (vitest.config.ts); Next inlines the value at build time, so the site that
 * `npm start` builds leaves the hooks out.
 */
export const TEST_HOOKS = process.env.NEXT_PUBLIC_DIT_LAB_TEST_HOOKS === '1';

/** window.__ditLabModel: the page's model worker, for the end-to-end tests. */
export interface ModelHooks {
  stats(): Promise<{ numTensors: number; numBytes: number; backend: string }>;
  crash(): void;
  restarts(): number;
  /** The last finished samples (floats in [-1, 1]) and the backend that made them. */
  lastImages(): { images: number[]; backend: string } | null;
}

/** window.__ditLabTrainer: the in-browser trainer, for the end-to-end tests. */
export interface TrainerHooks {
  stats(): Promise<{ numTensors: number; numBytes: number; backend: string; step: number; phase: string }>;
  state(): {
    phase: string;
    step: number;
    tensors: { baseline: number | null; paused: number | null; reset: number | null };
    losses: number[];
    grids: number[];
  };
}
