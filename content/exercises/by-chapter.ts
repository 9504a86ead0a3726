/**
 * One chapter's exercises, loaded when its page needs them: each chapter's file becomes its own
 * small chunk, fetched after the page is interactive, so no chapter ships every chapter's
 * exercises (index.ts, which has them all, serves the build, the progress page and the sandbox).
 */
import type { Exercise } from '@/lib/exercises/types';

export function loadChapterExercises(slug: string): Promise<readonly Exercise[]> {
  switch (slug) {
    case 'what-is-a-dit':
      return import('./what-is-a-dit').then((m) => m.EXERCISES);
    case 'diffusion-step-by-step':
      return import('./diffusion-step-by-step').then((m) => m.EXERCISES);
    case 'learning-to-denoise':
      return import('./learning-to-denoise').then((m) => m.EXERCISES);
    case 'latent-space':
      return import('./latent-space').then((m) => m.EXERCISES);
    case 'patchify':
      return import('./patchify').then((m) => m.EXERCISES);
    case 'the-dit-block':
      return import('./the-dit-block').then((m) => m.EXERCISES);
    case 'guidance-and-sampling':
      return import('./guidance-and-sampling').then((m) => m.EXERCISES);
    case 'inside-the-model':
      return import('./inside-the-model').then((m) => m.EXERCISES);
    case 'beyond-dit':
      return import('./beyond-dit').then((m) => m.EXERCISES);
    case 'train-your-own':
      return import('./train-your-own').then((m) => m.EXERCISES);
    case 'scaling':
      return import('./scaling').then((m) => m.EXERCISES);
    default:
      return Promise.resolve([]);
  }
}
