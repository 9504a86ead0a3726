/**
 * One chapter's exercises, loaded when its page needs them: each chapter's file becomes its own
 * small chunk, fetched after the page is interactive, so no chapter ships every chapter's
 * exercises (index.ts, which has them all, serves the build, the progress page and the sandbox).
 */
import type { Exercise } from '@/lib/exercises/types';

const LOADERS: Record<string, () => Promise<{ EXERCISES: readonly Exercise[] }>> = {
  'what-is-a-dit': () => import('./what-is-a-dit'),
  'diffusion-step-by-step': () => import('./diffusion-step-by-step'),
  'learning-to-denoise': () => import('./learning-to-denoise'),
  'latent-space': () => import('./latent-space'),
  patchify: () => import('./patchify'),
  'the-dit-block': () => import('./the-dit-block'),
  'guidance-and-sampling': () => import('./guidance-and-sampling'),
  'inside-the-model': () => import('./inside-the-model'),
  scaling: () => import('./scaling'),
  'beyond-dit': () => import('./beyond-dit'),
  'train-your-own': () => import('./train-your-own'),
};

export function loadChapterExercises(slug: string): Promise<readonly Exercise[]> {
  const load = Object.prototype.hasOwnProperty.call(LOADERS, slug) ? LOADERS[slug] : null;
  return load ? load().then((m) => m.EXERCISES) : Promise.resolve([]);
}
