'use client';
import { useEffect, useState, type ChangeEvent } from 'react';
import { CHAPTERS } from '@/content/chapters';
import { EXERCISES, exerciseById } from '@/content/exercises';
import { exportProgress, importProgress, MAX_FILE_BYTES, parseProgressFile, readAll, readStudent, type ProgressEntry } from '@/lib/exercises/progress';
import { KIND_LABELS } from '@/lib/exercises/types';
import { PROGRESS_EVENT } from './use-progress';
import { downloadJson } from './download-json';
import { StudentIdForm } from './StudentIdForm';
import styles from './ProgressBoard.module.css';

const known = (id: string) => exerciseById(id) !== undefined;
const chapters = CHAPTERS.filter((c) => EXERCISES.some((e) => e.chapter === c.slug));

type Message = { kind: 'ok' | 'error'; text: string } | null;

/** The progress page: the student's id, progress per chapter and exercise, export and import. */
export function ProgressBoard() {
  const [entries, setEntries] = useState<Record<string, ProgressEntry>>({});
  const [invalid, setInvalid] = useState<string[]>([]);
  const [student, setStudent] = useState('');
  const [message, setMessage] = useState<Message>(null);
  const [ready, setReady] = useState(false);

  const load = () => {
    try {
      const all = readAll(localStorage, known);
      setEntries(all.entries);
      setInvalid(all.invalid);
      const s = readStudent(localStorage);
      setStudent(s);
    } catch {
      setMessage({
        kind: 'error',
        text: 'This browser does not let the page read its storage (private mode or storage disabled), so progress cannot be kept.',
      });
    }
    setReady(true);
  };
  useEffect(load, []);

  const studentSaved = (saved: string | null) => {
    if (saved === null) return setMessage({ kind: 'error', text: 'The browser refused to store your id.' });
    load();
    setMessage({
      kind: 'ok',
      text: saved ? `Your exercises now draw their numbers for “${saved}”.` : 'Your id is cleared: exercises show everyone’s default numbers.',
    });
  };

  const download = () => {
    downloadJson(`dit-lab-progress${student ? `-${student.replace(/[^\w-]+/g, '_').slice(0, 40)}` : ''}.json`, exportProgress(localStorage, known));
  };

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (!f) return;
    if (f.size > MAX_FILE_BYTES) {
      setMessage({
        kind: 'error',
        text: `“${f.name.slice(0, 60)}” is ${(f.size / 1e6).toFixed(1)} MB; a DiT Lab progress file is a few kilobytes. Nothing was imported.`,
      });
      return;
    }
    const parsed = parseProgressFile(await f.text());
    if (!parsed.ok) {
      setMessage({ kind: 'error', text: parsed.message });
      return;
    }
    const r = importProgress(localStorage, parsed.file, known);
    if (!r.ok) {
      setMessage({ kind: 'error', text: r.message });
      return;
    }
    load();
    window.dispatchEvent(new Event(PROGRESS_EVENT));
    setMessage({
      kind: 'ok',
      text: `Imported ${r.imported} ${r.imported === 1 ? 'exercise' : 'exercises'}${r.unknown ? ` (${r.unknown} not in this version of the book, skipped)` : ''}, merged with what was here: nothing stored before was lost.`,
    });
  };

  const solved = EXERCISES.filter((e) => entries[e.id]?.solved).length;

  return (
    <div className={styles.board} data-testid="progress-board" data-ready={ready}>
      <section className={styles.panel}>
        <h2 id="student">Your name or id</h2>
        <p>
          Exercises with numbers of their own draw them from this id, so each student of a class gets different numbers (and the same ones on every visit). Use
          what your teacher asks for.
        </p>
        <StudentIdForm
          student={student}
          onSaved={studentSaved}
          testIds={['student-id', 'student-save']}
          className={styles.row}
          inputClassName={styles.textInput}
        />
      </section>

      <section className={styles.panel}>
        <h2 id="file">Export and import</h2>
        <div className={styles.row}>
          <button type="button" className={styles.button} onClick={download} data-testid="progress-export">
            Export my progress
          </button>
          <label className={styles.fileButton}>
            Import a progress file
            <input type="file" accept=".json,application/json" onChange={upload} data-testid="progress-import" />
          </label>
        </div>
        <div aria-live="polite">
          {message && (
            <p className={message.kind === 'ok' ? styles.ok : styles.error} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="progress-message">
              {message.text}
            </p>
          )}
        </div>
        {invalid.length > 0 && (
          <p className={styles.error} data-testid="progress-invalid">
            {invalid.length} stored {invalid.length === 1 ? 'entry was' : 'entries were'} damaged and {invalid.length === 1 ? 'is' : 'are'} not shown (
            {invalid.join(', ').slice(0, 200)}); the rest of your progress is intact.
          </p>
        )}
      </section>

      <h2 id="chapters">
        By chapter{' '}
        <span className={styles.total} data-testid="progress-total">
          {solved} of {EXERCISES.length} solved
        </span>
      </h2>
      {chapters.map((c) => {
        const list = EXERCISES.filter((e) => e.chapter === c.slug);
        const done = list.filter((e) => entries[e.id]?.solved).length;
        return (
          <section key={c.slug} className={styles.chapter} data-chapter={c.slug}>
            <h3>
              <a href={`/chapters/${c.slug}/`}>
                {c.number}. {c.title}
              </a>{' '}
              <span className={styles.total}>
                {done} / {list.length}
              </span>
            </h3>
            <div className={styles.tableBox}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">exercise</th>
                    <th scope="col">kind</th>
                    <th scope="col">status</th>
                    <th scope="col">attempts</th>
                    <th scope="col">hints</th>
                    <th scope="col">solution</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e, i) => {
                    const en = entries[e.id];
                    return (
                      <tr key={e.id} data-exercise-row={e.id}>
                        <td>
                          <a href={`/chapters/${c.slug}/#exercise-${e.id}`}>
                            {c.number}.{i + 1} {e.title}
                          </a>
                        </td>
                        <td>{KIND_LABELS[e.kind]}</td>
                        <td data-status={en?.solved ? 'solved' : en ? 'tried' : 'new'}>{en?.solved ? '✓ solved' : en?.attempts.length ? 'tried' : '—'}</td>
                        <td>{en?.attempts.length ?? 0}</td>
                        <td>{en?.hintsShown ?? 0}</td>
                        <td>{en?.solutionShown ? 'shown' : '—'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </div>
  );
}
