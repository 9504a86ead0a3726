'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Attempt, ProgressEntry } from '@/lib/exercises/progress';
import { useExerciseScope } from './scope';

/** The progress store (with its schema library), loaded after hydration: no chapter waits for it. */
type Store = typeof import('@/lib/exercises/progress');
let storeModule: Promise<Store> | null = null;
const loadStore = () => (storeModule ??= import('@/lib/exercises/progress'));

/** Tells every exercise on the page that stored progress or the student id changed (another card, an import). */
export const PROGRESS_EVENT = 'dit-lab-progress';
/** Tells lists of progress (an assignment's contents) that a card saved an answer, a hint or a reveal. */
export const ANSWER_SAVED_EVENT = 'dit-lab-answer-saved';

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null; // storage disabled: progress lives only as long as the page
  }
}

/** One exercise's stored progress and the student's id, read after hydration and kept in step with the other cards. */
export function useExerciseProgress(id: string) {
  const scope = useExerciseScope().assignment;
  const [entry, setEntry] = useState<ProgressEntry | null>(null);
  const [student, setStudent] = useState('');
  const [saved, setSaved] = useState(true);
  const [ready, setReady] = useState(false);
  const store = useRef<Store | null>(null);

  useEffect(() => {
    let live = true;
    const load = () => {
      const m = store.current;
      if (!m || !live) return;
      const s = storage();
      setEntry(s ? m.readEntry(s, id, scope) : null);
      setStudent(s ? m.readStudent(s) : '');
      setReady(true);
    };
    void loadStore().then((m) => {
      store.current = m;
      load();
    });
    window.addEventListener(PROGRESS_EVENT, load);
    window.addEventListener('storage', load);
    return () => {
      live = false;
      window.removeEventListener(PROGRESS_EVENT, load);
      window.removeEventListener('storage', load);
    };
  }, [id, scope]);

  const update = useCallback(
    (change: (e: ProgressEntry) => ProgressEntry) => {
      const m = store.current;
      if (!m) return; // not ready: the card takes no answers yet
      setEntry((prev) => {
        const next = change(prev ?? m.emptyEntry(Date.now()));
        const s = storage();
        setSaved(s ? m.writeEntry(s, id, next, scope) : false);
        return next;
      });
      // After React has applied the change (and so written it), not from inside the updater.
      setTimeout(() => window.dispatchEvent(new Event(ANSWER_SAVED_EVENT)), 0);
    },
    [id, scope],
  );

  return {
    entry,
    student,
    /** True once the stored progress has been read (after hydration): the card takes answers from then on. */
    ready,
    /** False when the browser would not store the last change (private mode, storage full). */
    saved,
    record: (a: Omit<Attempt, 'at'>) => update((e) => store.current!.withAttempt(e, { ...a, at: Date.now() })),
    showHint: () => update((e) => ({ ...e, hintsShown: e.hintsShown + 1 })),
    showSolution: () => update((e) => ({ ...e, solutionShown: true })),
  };
}
