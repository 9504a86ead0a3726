'use client';
import { useEffect, useMemo, useState, type DragEvent, type ReactNode } from 'react';
import { exerciseById, exerciseKnown, exerciseNumber } from '@/content/exercises';
import { decodeAssignment, payloadOf, type Assignment, type ReadAssignment } from '@/lib/assign/assignment';
import type { CodeRunner } from '@/lib/assign/grade';
import * as table from '@/lib/assign/class-table';
import { unpackUploads, type Problem } from '@/lib/assign/unpack';
import { KIND_LABELS } from '@/lib/exercises/types';
import { codeVerdict, TIME_LIMIT_MS } from '@/lib/sandbox/protocol';
import { getSandbox } from '@/components/code/use-sandbox';
import { downloadText } from '@/components/exercises/download-json';
import styles from './assign.module.css';

const label = (id: string) => exerciseNumber(exerciseById(id)!).number;

/**
 * Code is re-run in the same sandbox as the students ran it: a fresh worker a run, killed at the
 * time limit. `crashes` counts runs whose sandbox failed (not the student's code timing out), so the
 * page can say that code scores from this import may be too low.
 */
function sandboxRunner(): { run: CodeRunner; crashes: () => number } {
  const cache = new Map<string, Promise<{ passed: boolean; failure: string | null }>>();
  let crashes = 0;
  const run: CodeRunner = (ex, seed, code) => {
    const key = `${ex.id}\u0000${seed}\u0000${code}`;
    let r = cache.get(key);
    if (!r) {
      r = getSandbox()
        .run({ type: 'exercise', code, exercise: ex.id, student: seed }, TIME_LIMIT_MS.exercise)
        .then((o) => {
          if (o.type === 'timeout') return { passed: false, failure: `ran past the ${TIME_LIMIT_MS.exercise / 1000} s limit` };
          if (o.type === 'crashed') {
            crashes++;
            return { passed: false, failure: `the sandbox stopped: ${o.message}` };
          }
          if (o.type !== 'tested') return { passed: false, failure: 'no test cases ran' };
          return codeVerdict(o);
        });
      cache.set(key, r);
    }
    return r;
  };
  return { run, crashes: () => crashes };
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** /grade/#a=...: import a class's submission files, re-grade them here, and read the class table. */
export function GradeAssignment() {
  const [read, setRead] = useState<ReadAssignment | null>(null);
  const [pasted, setPasted] = useState('');
  useEffect(() => {
    const decode = () => setRead(decodeAssignment(payloadOf(window.location.hash), exerciseKnown));
    decode();
    window.addEventListener('hashchange', decode);
    return () => window.removeEventListener('hashchange', decode);
  }, []);

  if (!read) return <p className={styles.muted}>Reading the assignment…</p>;
  if (read.ok) return <ClassTable key={read.assignment.id} a={read.assignment} />;
  const hasLink = payloadOf(typeof window === 'undefined' ? '' : window.location.hash) !== '';
  return (
    <section className={styles.panel}>
      {hasLink && (
        <p className={styles.problem} role="alert" data-testid="grade-link-error">
          {read.message}
        </p>
      )}
      <form
        className={styles.linkRow}
        onSubmit={(e) => {
          e.preventDefault();
          const hash = pasted.includes('#') ? pasted.slice(pasted.indexOf('#')) : `#a=${pasted.trim()}`;
          window.location.hash = hash.slice(0, 8000);
        }}
      >
        <label className={styles.field} style={{ flex: '1 1 20rem' }}>
          <span>The assignment&rsquo;s link, as you handed it out (from the teaching page)</span>
          <input value={pasted} onChange={(e) => setPasted(e.currentTarget.value)} placeholder="https://…/assignment/#a=…" data-testid="grade-paste" />
        </label>
        <button className="outline-button" type="submit" data-testid="grade-paste-open">
          Grade this assignment
        </button>
      </form>
    </section>
  );
}

function ClassTable({ a }: { a: Assignment }) {
  const [book, setBook] = useState<table.Gradebook>(table.emptyGradebook);
  const [storedProblem, setStoredProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(true);
  const [busy, setBusy] = useState<{ done: number; total: number } | null>(null);
  const [last, setLast] = useState<{ graded: number; problems: Problem[]; skipped: number; crashes: number } | null>(null);
  const [roster, setRoster] = useState('');
  const [confirmClear, setConfirmClear] = useState(false);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const s = storage();
    const r = s ? table.loadGradebook(s, a.id) : { ok: true as const, book: table.emptyGradebook() };
    if (r.ok) {
      setBook(r.book);
      setRoster(r.book.roster.join('\n'));
    } else setStoredProblem(r.message);
    setReady(true);
  }, [a.id]);

  const keep = (next: table.Gradebook) => {
    setBook(next);
    const s = storage();
    setSaved(s ? table.saveGradebook(s, a.id, next) : false);
  };

  const importFiles = async (files: File[]) => {
    if (busy || files.length === 0) return;
    setBusy({ done: 0, total: 0 });
    const unpacked = await unpackUploads(files);
    const sandbox = sandboxRunner();
    const r = await table.addSubmissions(book, unpacked, a, exerciseById, sandbox.run, (done, total) => setBusy({ done, total }));
    keep(r.book);
    setLast({ graded: r.graded, problems: r.problems, skipped: unpacked.skipped.length, crashes: sandbox.crashes() });
    setBusy(null);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    void importFiles(Array.from(e.dataTransfer.files));
  };

  const stats = useMemo(() => table.exerciseStats(book, a), [book, a]);
  const same = useMemo(() => table.identicalCode(book, a), [book, a]);
  const { missing, unlisted } = table.rosterCheck(book);
  const csvName = `dit-lab-grades-${a.title.replace(/[^\w-]+/g, '-').slice(0, 40)}-${a.id}.csv`;

  return (
    <div className={styles.grade} data-testid="grade" data-ready={ready} data-assignment={a.id}>
      <h2 className={styles.gradeTitle} data-testid="grade-title">
        {a.title}
      </h2>
      <p className={styles.muted}>
        {a.exercises.length} exercises{a.due ? ` · due ${a.due} (end of the day, UTC)` : ''} ·{' '}
        {a.randomised === false ? 'the same numbers for the whole class' : 'numbers drawn per student'} · id {a.id}
      </p>
      {storedProblem && (
        <p className={styles.problem} role="alert">
          {storedProblem}
        </p>
      )}

      <section className={styles.panel}>
        <h3>Import submissions</h3>
        <p>
          Choose the students&rsquo; files, or the zip your course site exports (Canvas, Moodle and others: folders and renamed files are fine, each file says
          whose it is). Importing again adds to the table; a student&rsquo;s later file replaces an earlier one.
        </p>
        <div className={styles.drop} onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
          <label className={styles.fileButton}>
            Choose files or a zip
            <input
              type="file"
              multiple
              accept=".json,.zip,application/json,application/zip"
              disabled={busy !== null}
              onChange={(e) => {
                const files = Array.from(e.currentTarget.files ?? []);
                e.currentTarget.value = '';
                void importFiles(files);
              }}
              data-testid="grade-files"
            />
          </label>
          <span className={styles.muted}> or drop them here</span>
        </div>
        <div aria-live="polite">
          {busy && (
            <p role="status" data-testid="grade-busy">
              Re-grading{busy.total ? ` ${busy.done} of ${busy.total}` : ''}… (code runs again in the sandbox)
            </p>
          )}
          {last && !busy && (
            <p role="status" data-testid="grade-summary">
              Graded {last.graded} {last.graded === 1 ? 'file' : 'files'}
              {last.problems.length ? `; ${last.problems.length} could not be graded (below)` : ''}
              {last.skipped ? `; ${last.skipped} passed over (not JSON)` : ''}.
            </p>
          )}
          {last && !busy && last.crashes > 0 && (
            <p className={styles.problem} role="alert" data-testid="grade-sandbox-failed">
              The sandbox failed to start {last.crashes} {last.crashes === 1 ? 'time' : 'times'} while re-running code, so some code answers may be marked wrong
              that are right. Reload the page and import the files again.
            </p>
          )}
        </div>
        {book.problems.length > 0 && (
          <div className={styles.problem} role="alert" data-testid="grade-problems">
            <strong>Files not graded</strong> (the rest of the class is):
            <ul>
              {book.problems.map((p, i) => (
                <li key={i} data-testid="grade-problem">
                  <code>{p.name}</code>: {p.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {book.superseded.length > 0 && (
          <ul className={styles.muted} data-testid="grade-superseded">
            {book.superseded.map((s, i) => (
              <li key={i}>
                <code>{s.file}</code> set aside: {s.student} handed in a later file, <code>{s.by}</code>.
              </li>
            ))}
          </ul>
        )}
        {!saved && <p className={styles.problem}>This browser would not keep the table (storage full or disabled): download the CSV before you leave.</p>}
      </section>

      <section className={styles.panel}>
        <h3>
          The class <span className={styles.muted}>{book.rows.length} handed in</span>
        </h3>
        {book.rows.length === 0 && missing.length === 0 ? (
          <p className={styles.muted}>No submissions yet.</p>
        ) : (
          <Table
            label="Scores by student"
            testId="grade-table"
            head={[
              { text: 'Student' },
              { text: 'Score' },
              ...a.exercises.map((id) => ({ text: label(id), title: exerciseById(id)!.title })),
              { text: 'Handed in' },
              { text: 'Receipt' },
            ]}
          >
            {book.rows.map((r) => (
              <tr key={r.key} data-testid="grade-row" data-student={r.student} data-score={r.score}>
                <th scope="row">
                  {r.student}
                  {!r.intact && (
                    <span className={styles.flag} title="The file was changed after it was made: its own score is ignored, its answers were re-graded.">
                      {' '}
                      edited
                    </span>
                  )}
                </th>
                <td>
                  {r.score} / {a.exercises.length}
                </td>
                {a.exercises.map((id) => {
                  const g = r.grades[id];
                  if (!g || (g.attempts === 0 && !g.solution))
                    return (
                      <td key={id} className={styles.muted} data-cell={id} data-right="none">
                        –
                      </td>
                    );
                  return (
                    <td key={id} data-cell={id} data-right={g.right} className={g.right ? styles.ok : styles.bad}>
                      {g.right ? '✓' : '✗'}
                      <span className={styles.detail}>
                        {g.attempts} {g.attempts === 1 ? 'try' : 'tries'}
                      </span>
                      {g.hints > 0 && (
                        <span className={styles.detail}>
                          {g.hints} hint{g.hints > 1 ? 's' : ''}
                        </span>
                      )}
                      {g.solution && <span className={styles.detail}>solution seen</span>}
                      {g.claimed && !g.right && <span className={styles.detail}>file claimed ✓</span>}
                    </td>
                  );
                })}
                <td>
                  {r.submittedAt.slice(0, 16).replace('T', ' ')} UTC
                  {r.late && <span className={styles.flag}> late</span>}
                </td>
                <td>
                  <code>{r.receipt}</code>
                </td>
              </tr>
            ))}
            {missing.map((s) => (
              <tr key={`missing-${s}`} data-testid="grade-missing" data-student={s}>
                <th scope="row">{s}</th>
                <td colSpan={a.exercises.length + 3} className={styles.muted}>
                  missing: no submission
                </td>
              </tr>
            ))}
          </Table>
        )}
        {unlisted.length > 0 && <p className={styles.muted}>Not on the roster: {unlisted.join(', ')}.</p>}
        <div className={styles.linkRow}>
          <button
            className="outline-button"
            type="button"
            disabled={book.rows.length === 0}
            onClick={() => downloadText(csvName, table.gradebookCsv(book, a, label), 'text/csv;charset=utf-8')}
            data-testid="grade-csv"
          >
            Download the CSV
          </button>
          <button
            className="outline-button"
            type="button"
            onClick={() => {
              if (!confirmClear) return setConfirmClear(true);
              const s = storage();
              if (s) table.clearGradebook(s, a.id);
              setBook(table.emptyGradebook());
              setRoster('');
              setLast(null);
              setConfirmClear(false);
            }}
            onBlur={() => setConfirmClear(false)}
            data-testid="grade-clear"
          >
            {confirmClear ? 'Click again to clear the table' : 'Clear the table'}
          </button>
        </div>
      </section>

      <section className={styles.panel}>
        <h3>Roster (optional)</h3>
        <label className={styles.field}>
          <span>One student a line, as they type their name or id (a column copied from a spreadsheet works); who is missing shows in the table.</span>
          <textarea
            rows={4}
            value={roster}
            onChange={(e) => setRoster(e.currentTarget.value.slice(0, 100_000))}
            onBlur={() => keep({ ...book, roster: table.parseRoster(roster) })}
            data-testid="grade-roster"
          />
        </label>
      </section>

      <section className={styles.panel}>
        <h3>By exercise</h3>
        <Table
          label="Statistics by exercise"
          testId="grade-stats"
          head={['Exercise', 'Right', 'Mean tries', 'Solution seen', 'Most common wrong answer'].map((text) => ({ text }))}
        >
          {stats.map((s) => {
            const e = exerciseById(s.id)!;
            return (
              <tr key={s.id} data-testid="grade-stat" data-exercise={s.id} data-right={s.right}>
                <th scope="row">
                  {label(s.id)} {e.title} <span className="pill">{KIND_LABELS[e.kind]}</span>
                </th>
                <td>{s.handedIn ? `${s.right} of ${s.handedIn} (${Math.round(s.share * 100)}%)` : '–'}</td>
                <td>{s.meanAttempts ? s.meanAttempts.toFixed(1) : '–'}</td>
                <td>{s.solutionsShown}</td>
                <td>{s.commonWrong ? `${s.commonWrong.answer} (${s.commonWrong.count})` : '–'}</td>
              </tr>
            );
          })}
        </Table>
      </section>

      {same.length > 0 && (
        <section className={styles.panel} data-testid="grade-identical">
          <h3>The same code from several students</h3>
          <p className={styles.muted}>Compared with comments and spacing set aside. Short exercises have few right answers, so read before you conclude.</p>
          <ul>
            {same.map((g) => (
              <li key={`${g.id}-${g.key}`} data-testid="grade-identical-group">
                Exercise {label(g.id)}: {g.students.join(', ')}
                {book.codes[g.key] && (
                  <details>
                    <summary>Show the code</summary>
                    <pre className={styles.code} tabIndex={0}>
                      {book.codes[g.key]}
                    </pre>
                  </details>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** A table that scrolls sideways on its own (a phone), reachable by keyboard, with a row of column heads. */
function Table({ label, testId, head, children }: { label: string; testId: string; head: { text: string; title?: string }[]; children: ReactNode }) {
  return (
    <div className={styles.tableWrap} role="region" aria-label={label} tabIndex={0}>
      <table className={styles.table} data-testid={testId}>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th scope="col" key={i} title={h.title}>
                {h.text}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
