'use client';
import { useEffect, useState, type ReactNode } from 'react';
import { writeStudent } from '@/lib/exercises/progress';
import { PROGRESS_EVENT } from './use-progress';

/**
 * The student's name or id, typed and saved to this browser: the progress page and an assignment's
 * page both use it. Saving tells every exercise card on the page (they redraw their numbers) and
 * reports what was stored, or null when the browser refused to store it.
 */
export function StudentIdForm({
  student,
  onSaved,
  testIds,
  className,
  inputClassName,
  children,
}: {
  /** The id stored now; the box follows it when it changes (another tab, an import). */
  student: string;
  onSaved: (saved: string | null) => void;
  /** The data-testid of the box and of its Save button. */
  testIds: [string, string];
  className?: string;
  inputClassName?: string;
  /** Shown after the button (a note on what is saved). */
  children?: ReactNode;
}) {
  const [draft, setDraft] = useState(student);
  useEffect(() => setDraft(student), [student]);
  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        if (!writeStudent(localStorage, draft)) return onSaved(null);
        window.dispatchEvent(new Event(PROGRESS_EVENT));
        onSaved(draft.trim().slice(0, 80));
      }}
    >
      <input
        className={inputClassName}
        value={draft}
        maxLength={80}
        onChange={(e) => setDraft(e.currentTarget.value)}
        aria-label="Your name or id"
        placeholder="e.g. ada.lovelace"
        data-testid={testIds[0]}
      />
      <button className="outline-button" type="submit" data-testid={testIds[1]}>
        Save
      </button>
      {children}
    </form>
  );
}
