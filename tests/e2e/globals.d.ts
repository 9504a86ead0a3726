// The test hooks the end-to-end build exposes on window (lib/test-hooks.ts), and what specs add to it.
import type { ModelHooks, TrainerHooks } from '@/lib/test-hooks';

declare global {
  interface Window {
    __ditLabModel: ModelHooks;
    __ditLabTrainer: TrainerHooks;
    /** Long main-thread tasks, recorded by the sampler spec. */
    __longTasks: { start: number; duration: number }[];
  }
}
