'use client';
import { useEffect, useState } from 'react';
import { exerciseById, exerciseNumber } from '@/content/exercises';
import { decodeAssignment, payloadOf, type ReadAssignment } from '@/lib/assign/assignment';
import { buildSubmission, isLate, receipt, submissionFileName } from '@/lib/assign/submission';
import { readAll, readStudent, writeStudent, type ProgressEntry } from '@/lib/exercises/progress';
import { KIND_LABELS } from '@/lib/exercises/types';
import { APP_VERSION } from '@/lib/app-version';
import { PROGRESS_EVENT } from '@/components/exercises/use-progress';
import { downloadJson } from '@/components/exercises/download-json';
import styles from './assign.module.css';

const known = (id: string) => exerciseById(id) !== undefined;

/** /assignment/#a=...: the assignment a link carries, the student's progress on it, and the file to hand in. */
export function AssignmentView() {
  const [read, setRead] = useState<ReadAssignment | null>(null);
  const [entries, setEntries] = useState<Record<string, ProgressEntry>>({});
  const [student, setStudent] = useState('');
  const [draft, setDraft] = useState('');
  const [done, setDone] = useState<{ receipt: string; file: string; late: boolean } | null>(null);

  // The assignment changes only with the address; the progress whenever the student works elsewhere.
  useEffect(() => {
    const decode = () => setRead(decodeAssignment(payloadOf(window.location.hash), known));
    decode();
    window.addEventListener('hashchange', decode);
    return () => window.removeEventListener('hashchange', decode);
  }, []);

  useEffect(() => {
    const load = () => {
      try {
        setEntries(readAll(localStorage, known).entries);
        const s = readStudent(localStorage);
        setStudent(s);
        setDraft((d) => d || s);
      } catch {
        // storage disabled: the list shows nothing solved, and the file would be empty
      }
    };
    load();
    window.addEventListener('storage', load);
    window.addEventListener(PROGRESS_EVENT, load);
    window.addEventListener('focus', load);
    return () => {
      window.removeEventListener('storage', load);
      window.removeEventListener(PROGRESS_EVENT, load);
      window.removeEventListener('focus', load);
    };
  }, []);

  if (!read) return <p className={styles.muted}>Reading the assignment…</p>;
  if (!read.ok)
    return (
      <p className={styles.problem} role="alert" data-testid="assignment-error">
        {read.message}
      </p>
    );
  const a = read.assignment;
  const solved = a.exercises.filter((id) => entries[id]?.solved).length;

  const saveStudent = () => {
    writeStudent(localStorage, draft);
    setStudent(draft.trim().slice(0, 80));
    window.dispatchEvent(new Event(PROGRESS_EVENT));
  };

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
          Your name or id goes into your submission, and exercises with numbers of their own draw them from it: set it before you start, as your teacher asks,
          and keep it.
        </p>
        <form
          className={styles.linkRow}
          onSubmit={(e) => {
            e.preventDefault();
            saveStudent();
          }}
        >
          <input
            value={draft}
            maxLength={80}
            onChange={(e) => setDraft(e.currentTarget.value)}
            aria-label="Your name or id"
            placeholder="e.g. ada.lovelace"
            data-testid="assignment-student"
          />
          <button type="submit" data-testid="assignment-student-save">
            Save
          </button>
          {student && <span className={styles.muted}>Saved as “{student}”.</span>}
        </form>
      </section>

      <section className={styles.panel}>
        <h2>
          The exercises{' '}
          <span className={styles.muted} data-testid="assignment-progress">
            {solved} of {a.exercises.length} solved
          </span>
        </h2>
        <p>Each opens in its chapter, beside the widgets and code it needs. Your answers are kept in this browser as you go; come back here to hand in.</p>
        <ol className={styles.order}>
          {a.exercises.map((id) => {
            const e = exerciseById(id)!;
            const { number: label, chapter } = exerciseNumber(e);
            const entry = entries[id];
            return (
              <li key={id} data-exercise-row={id} data-status={entry?.solved ? 'solved' : entry ? 'tried' : 'new'}>
                <a href={`/chapters/${chapter.slug}/#exercise-${id}`} target="_blank" rel="noopener">
                  Exercise {label}: {e.title}
                </a>{' '}
                <span className={styles.kind}>{KIND_LABELS[e.kind]}</span>{' '}
                <span className={styles.muted}>{entry?.solved ? '✓ solved' : entry?.attempts.length ? `tried (${entry.attempts.length})` : 'not started'}</span>
              </li>
            );
          })}
        </ol>
      </section>

      <section className={styles.panel}>
        <h2>Hand it in</h2>
        <p>
          Download your submission and upload the file where your teacher asks. It holds your answers as you typed them, the hints and solutions you opened, and
          when; your teacher&rsquo;s page checks every answer again itself.
        </p>
        <button type="button" onClick={download} disabled={!student} data-testid="assignment-download">
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
