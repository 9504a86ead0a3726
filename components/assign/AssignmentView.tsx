'use client';
import { Fragment, useEffect, useMemo, useState, type ReactNode } from 'react';
import { exerciseById, exerciseKnown, exerciseNumber } from '@/content/exercises';
import { decodeAssignment, payloadOf, type ReadAssignment } from '@/lib/assign/assignment';
import { buildSubmission, isLate, receipt, submissionFileName } from '@/lib/assign/submission';
import { readAll, readStudent, type ProgressEntry } from '@/lib/exercises/progress';
import { KIND_LABELS } from '@/lib/exercises/types';
import { APP_VERSION } from '@/lib/app-version';
import { ANSWER_SAVED_EVENT, PROGRESS_EVENT } from '@/components/exercises/use-progress';
import { ExerciseScopeContext, type ExerciseScope } from '@/components/exercises/scope';
import { downloadJson } from '@/components/exercises/download-json';
import { StudentIdForm } from '@/components/exercises/StudentIdForm';
import { WidgetBeside } from './WidgetBeside';
import styles from './assign.module.css';

/** The widget an exercise is answered with, if any. */
function widgetOf(id: string): string | undefined {
  const e = exerciseById(id);
  return e?.kind === 'widget' ? e.widget : e?.uses;
}

/**
 * /assignment/#a=...: the assignment a link carries, with its exercises in order on this page (the
 * widgets they are answered with beside them), the student's progress on it, and the file to hand
 * in. `cards` holds every exercise of the book, rendered when the site was built; the link picks.
 * Work done here is kept under the assignment's own key, so it survives a closed tab and the
 * submission holds exactly this assignment's answers.
 */
export function AssignmentView({ cards }: { cards: Record<string, ReactNode> }) {
  const [read, setRead] = useState<ReadAssignment | null>(null);
  const [entries, setEntries] = useState<Record<string, ProgressEntry>>({});
  const [student, setStudent] = useState('');
  const [done, setDone] = useState<{ receipt: string; file: string; late: boolean } | null>(null);
  const a = read?.ok ? read.assignment : null;
  const scope = useMemo<ExerciseScope>(() => ({ assignment: a?.id, randomised: a?.randomised !== false }), [a?.id, a?.randomised]);

  // The assignment changes only with the address; the progress whenever the student answers.
  useEffect(() => {
    const decode = () => setRead(decodeAssignment(payloadOf(window.location.hash), exerciseKnown));
    decode();
    window.addEventListener('hashchange', decode);
    return () => window.removeEventListener('hashchange', decode);
  }, []);

  useEffect(() => {
    if (!scope.assignment) return;
    const load = () => {
      try {
        setEntries(readAll(localStorage, exerciseKnown, scope.assignment).entries);
        const s = readStudent(localStorage);
        setStudent(s);
      } catch {
        // storage disabled: the list shows nothing solved, and the file would be empty
      }
    };
    load();
    window.addEventListener('storage', load);
    window.addEventListener(PROGRESS_EVENT, load);
    window.addEventListener(ANSWER_SAVED_EVENT, load);
    return () => {
      window.removeEventListener('storage', load);
      window.removeEventListener(PROGRESS_EVENT, load);
      window.removeEventListener(ANSWER_SAVED_EVENT, load);
    };
  }, [scope.assignment]);

  if (!read) return <p className={styles.muted}>Reading the assignment…</p>;
  if (!a)
    return (
      <p className={styles.problem} role="alert" data-testid="assignment-error">
        {!read.ok && read.message}
      </p>
    );
  const solved = a.exercises.filter((id) => entries[id]?.solved).length;
  const shownWidgets = new Set<string>();

  const download = async () => {
    const now = new Date();
    const sub = await buildSubmission(a, student, entries, APP_VERSION, now);
    const name = submissionFileName(a, student);
    downloadJson(name, sub);
    setDone({ receipt: receipt(sub.checksum), file: name, late: isLate(a, now) });
  };

  return (
    <div className={styles.assignment} data-testid="assignment" data-assignment={a.id}>
      <h1 data-testid="assignment-title">{a.title}</h1>
      {a.due && (
        <p className={styles.due} data-testid="assignment-due">
          Due {a.due} (end of the day, UTC){isLate(a, new Date()) ? ': the due date has passed; a submission now is marked late.' : '.'}
        </p>
      )}
      {a.instructions && (
        <p className={styles.instructions} data-testid="assignment-instructions">
          {a.instructions}
        </p>
      )}

      <section className={styles.panel}>
        <h2>Who you are</h2>
        <p>
          Your name or id goes into your submission
          {a.randomised === false
            ? '. Everyone in the class gets the same numbers in this assignment.'
            : ', and exercises with numbers of their own draw them from it: set it before you start, as your teacher asks, and keep it.'}
        </p>
        <StudentIdForm
          student={student}
          onSaved={(saved) => setStudent(saved ?? student)}
          testIds={['assignment-student', 'assignment-student-save']}
          className={styles.linkRow}
        >
          {student && <span className={styles.muted}>Saved as “{student}”.</span>}
        </StudentIdForm>
      </section>

      <nav className={styles.panel} aria-labelledby="assignment-contents">
        <h2 id="assignment-contents">
          The exercises{' '}
          <span className={styles.muted} data-testid="assignment-progress">
            {solved} of {a.exercises.length} solved
          </span>
        </h2>
        <p>
          They are all on this page, below, each with the widget it needs. Your answers are kept in this browser as you go, so you can close the tab and come
          back.
        </p>
        <ol className={styles.order}>
          {a.exercises.map((id) => {
            const e = exerciseById(id)!;
            const entry = entries[id];
            return (
              <li key={id} data-exercise-row={id} data-status={entry?.solved ? 'solved' : entry?.attempts.length ? 'tried' : 'new'}>
                <a href={`#exercise-${id}`}>
                  Exercise {exerciseNumber(e).number}: {e.title}
                </a>{' '}
                <span className="pill">{KIND_LABELS[e.kind]}</span>{' '}
                <span className={styles.muted}>{entry?.solved ? '✓ solved' : entry?.attempts.length ? `tried (${entry.attempts.length})` : 'not started'}</span>
              </li>
            );
          })}
        </ol>
      </nav>

      <ExerciseScopeContext.Provider value={scope}>
        {a.exercises.map((id, i) => {
          const e = exerciseById(id)!;
          const { chapter } = exerciseNumber(e);
          const widget = widgetOf(id);
          const first = widget !== undefined && !shownWidgets.has(widget);
          if (widget) shownWidgets.add(widget);
          return (
            <Fragment key={id}>
              <p className={styles.from} data-testid="assignment-item">
                {i + 1} of {a.exercises.length} · from chapter {chapter.number},{' '}
                <a href={`/chapters/${chapter.slug}/`} target="_blank" rel="noopener">
                  {chapter.title}
                </a>
                {widget && !first ? ' · the widget above answers this one too' : ''}
              </p>
              {first && <WidgetBeside name={widget} />}
              {cards[id]}
            </Fragment>
          );
        })}
      </ExerciseScopeContext.Provider>

      <section className={styles.panel}>
        <h2>Hand it in</h2>
        <p>
          Download your submission and upload the file where your teacher asks. It holds your answers as you typed them, the hints and solutions you opened, and
          when; your teacher&rsquo;s page checks every answer again itself.
        </p>
        <button className="outline-button" type="button" onClick={download} disabled={!student} data-testid="assignment-download">
          Download my submission
        </button>
        {!student && <span className={styles.muted}> Set your name or id first.</span>}
        {done && (
          <p className={styles.receipt} role="status" data-testid="assignment-receipt">
            Saved as {done.file}. Your receipt: <strong>{done.receipt}</strong>
            {done.late ? ' (after the due date)' : ''}. Keep it: your teacher&rsquo;s page shows the same code for this file.
          </p>
        )}
      </section>
    </div>
  );
}
