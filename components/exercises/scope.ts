'use client';
import { createContext, useContext } from 'react';

/**
 * Where the exercise cards below keep their progress and whose numbers they draw. In a chapter:
 * the book's own store and the student's id. On an assignment's page: that assignment's store, and
 * either the student's id or '' (the same numbers for the whole class) as the assignment says.
 */
export interface ExerciseScope {
  /** The assignment's id, or undefined for the book's own progress. */
  assignment?: string;
  /** False when the whole class gets the default numbers. */
  randomised: boolean;
}

export const ExerciseScopeContext = createContext<ExerciseScope>({ randomised: true });

export function useExerciseScope(): ExerciseScope {
  return useContext(ExerciseScopeContext);
}

/** The id a card draws its numbers from. */
export function seedOf(scope: ExerciseScope, student: string): string {
  return scope.randomised ? student : '';
}
