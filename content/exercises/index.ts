/**
 * Every exercise of the book, by chapter. A chapter places one with <Exercise id="..." />; the
 * chapter pipeline rejects an id that is not here, and tests/unit/exercises checks every one.
 */
import type { Exercise } from '@/lib/exercises/types';
import { CHAPTERS, type ChapterMeta } from '@/content/chapters';
import { EXERCISES as overview } from './what-is-a-dit';
import { EXERCISES as diffusion } from './diffusion-step-by-step';
import { EXERCISES as denoise } from './learning-to-denoise';
import { EXERCISES as latents } from './latent-space';
import { EXERCISES as patchify } from './patchify';
import { EXERCISES as block } from './the-dit-block';
import { EXERCISES as guidance } from './guidance-and-sampling';
import { EXERCISES as inside } from './inside-the-model';
import { EXERCISES as scaling } from './scaling';
import { EXERCISES as beyond } from './beyond-dit';
import { EXERCISES as training } from './train-your-own';

export const EXERCISES: readonly Exercise[] = [...overview, ...diffusion, ...denoise, ...latents, ...patchify, ...block, ...guidance, ...inside, ...scaling, ...beyond, ...training];

const BY_ID = new Map(EXERCISES.map((e) => [e.id, e]));

export function exerciseById(id: string): Exercise | undefined {
  return BY_ID.get(id);
}

/** Whether this version of the book has an exercise of this id (links and files name ids). */
export const exerciseKnown = (id: string): boolean => BY_ID.has(id);

/** The exercises of one chapter, in the order they are listed (which is their number: 2.1, 2.2, ...). */
export function chapterExercises(slug: string): Exercise[] {
  return EXERCISES.filter((e) => e.chapter === slug);
}

/** An exercise's chapter and its number there ("2.3"): its place in the chapter's list. */
export function exerciseNumber(ex: Exercise): { chapter: ChapterMeta; number: string } {
  const chapter = CHAPTERS.find((c) => c.slug === ex.chapter)!;
  return { chapter, number: `${chapter.number}.${chapterExercises(ex.chapter).indexOf(ex) + 1}` };
}
