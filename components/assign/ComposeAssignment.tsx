'use client';
import { useEffect, useMemo, useState } from 'react';
import { CHAPTERS } from '@/content/chapters';
import { EXERCISES, exerciseKnown, exerciseNumber } from '@/content/exercises';
import { assignmentUrl, decodeAssignment, newAssignmentId, payloadOf, type Assignment } from '@/lib/assign/assignment';
import { KIND_LABELS } from '@/lib/exercises/types';
import styles from './assign.module.css';

const numbered = EXERCISES.map((e) => ({ id: e.id, title: e.title, kind: e.kind, ...exerciseNumber(e) }));

/** /teach: pick exercises from any chapter, give the assignment a title, instructions and a due date, and get its link. */
export function ComposeAssignment() {
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [instructions, setInstructions] = useState('');
  const [due, setDue] = useState('');
  const [randomised, setRandomised] = useState(true);
  const [id, setId] = useState(() => newAssignmentId());
  const [copied, setCopied] = useState(false);
  const [loaded, setLoaded] = useState<{ ok: boolean; message: string } | null>(null);

  // /teach/#a=... edits an assignment handed out before (its id kept, so files already handed in
  // still grade while its exercises stay the same); /teach/#template=... starts a new one from it.
  useEffect(() => {
    const hash = window.location.hash;
    const template = /(?:^#|&)template=([^&]*)/.exec(hash)?.[1] ?? '';
    const payload = template || payloadOf(hash);
    if (!payload) return;
    const r = decodeAssignment(payload, exerciseKnown);
    if (!r.ok) {
      setLoaded({ ok: false, message: r.message });
      return;
    }
    const a = r.assignment;
    setPicked(a.exercises);
    setTitle(a.title);
    setInstructions(a.instructions);
    setDue(a.due);
    setRandomised(a.randomised !== false);
    if (!template) setId(a.id);
    setLoaded({
      ok: true,
      message: template
        ? 'Started from a suggested assignment: change anything, then hand out its link.'
        : 'Editing an assignment you handed out: its id is kept, so files already handed in still grade as long as the exercises stay the same.',
    });
  }, []);

  const q = query.trim().toLowerCase();
  const shown = numbered.filter((e) => !q || `${e.number} ${e.title} ${KIND_LABELS[e.kind]} ${e.chapter.title}`.toLowerCase().includes(q));
  const assignment = useMemo<Assignment | null>(
    () =>
      picked.length > 0 && title.trim()
        ? { v: 1, id, title: title.trim().slice(0, 120), instructions: instructions.slice(0, 2000), due, exercises: picked, randomised }
        : null,
    [picked, title, instructions, due, id, randomised],
  );
  const link = useMemo(() => (assignment && typeof window !== 'undefined' ? assignmentUrl(window.location.origin, assignment) : ''), [assignment]);

  const toggle = (eid: string) => setPicked((p) => (p.includes(eid) ? p.filter((x) => x !== eid) : p.length >= 40 ? p : [...p, eid]));
  const move = (i: number, d: -1 | 1) =>
    setPicked((p) => {
      const j = i + d;
      if (j < 0 || j >= p.length) return p;
      const next = p.slice();
      [next[i], next[j]] = [next[j], next[i]];
      return next;
    });

  return (
    <div className={styles.compose} data-testid="compose">
      {loaded && (
        <p className={loaded.ok ? styles.receipt : styles.problem} role={loaded.ok ? 'status' : 'alert'} data-testid="compose-loaded">
          {loaded.message}
        </p>
      )}
      <section className={styles.noPrint}>
        <h2 id="pick">1. Pick the exercises</h2>
        <label className={styles.field}>
          <span>Search by title, kind or chapter</span>
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            placeholder="e.g. code, posterior, chapter 5"
            data-testid="compose-search"
          />
        </label>
        <div className={styles.catalogue} role="group" aria-label="Exercises of the book">
          {CHAPTERS.map((c) => {
            const list = shown.filter((e) => e.chapter.slug === c.slug);
            if (list.length === 0) return null;
            return (
              <fieldset key={c.slug} className={styles.chapter}>
                <legend>
                  {c.number}. {c.title}
                </legend>
                {list.map((e) => (
                  <label key={e.id} className={styles.pick}>
                    <input type="checkbox" checked={picked.includes(e.id)} onChange={() => toggle(e.id)} data-testid={`pick-${e.id}`} />
                    <span>
                      {e.number} {e.title} <span className="pill">{KIND_LABELS[e.kind]}</span>
                    </span>
                  </label>
                ))}
              </fieldset>
            );
          })}
        </div>
      </section>

      <section>
        <h2 id="describe" className={styles.noPrint}>
          2. Describe it
        </h2>
        <div className={`${styles.fields} ${styles.noPrint}`}>
          <label className={styles.field}>
            <span>Title</span>
            <input
              value={title}
              maxLength={120}
              onChange={(e) => setTitle(e.currentTarget.value)}
              placeholder="e.g. Week 3: the forward process"
              data-testid="compose-title"
            />
          </label>
          <label className={styles.field}>
            <span>Due date (optional)</span>
            <input type="date" value={due} onChange={(e) => setDue(e.currentTarget.value)} data-testid="compose-due" />
          </label>
          <label className={`${styles.check} ${styles.wide}`}>
            <input type="checkbox" checked={randomised} onChange={(e) => setRandomised(e.currentTarget.checked)} data-testid="compose-randomised" />
            <span>
              Each student gets their own numbers (drawn from their name or id). Untick to give the whole class the same numbers, so answers can be compared.
            </span>
          </label>
          <label className={`${styles.field} ${styles.wide}`}>
            <span>Instructions (optional, plain text)</span>
            <textarea
              value={instructions}
              maxLength={2000}
              rows={4}
              onChange={(e) => setInstructions(e.currentTarget.value)}
              data-testid="compose-instructions"
            />
          </label>
        </div>

        <h2 id="order" className={styles.noPrint}>
          3. Check the order
        </h2>
        <div className={styles.handout} data-testid="handout">
          <h2 className={styles.printOnly}>{title || 'Assignment'}</h2>
          {due && <p className={styles.printOnly}>Due {due}</p>}
          {instructions && <p className={`${styles.printOnly} ${styles.instructions}`}>{instructions}</p>}
          {picked.length === 0 ? (
            <p className={styles.muted}>No exercises picked yet.</p>
          ) : (
            <ol className={styles.order} data-testid="compose-order">
              {picked.map((pid, i) => {
                const e = numbered.find((x) => x.id === pid)!;
                return (
                  <li key={pid}>
                    <span>
                      Exercise {e.number}: {e.title} <span className="pill">{KIND_LABELS[e.kind]}</span>{' '}
                      <span className={styles.printOnly}>(chapter {e.chapter.number})</span>
                    </span>
                    <span className={styles.noPrint}>
                      <button className="outline-button" type="button" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move ${e.number} up`}>
                        ↑
                      </button>
                      <button
                        className="outline-button"
                        type="button"
                        onClick={() => move(i, 1)}
                        disabled={i === picked.length - 1}
                        aria-label={`Move ${e.number} down`}
                      >
                        ↓
                      </button>
                      <button className="outline-button" type="button" onClick={() => toggle(pid)} aria-label={`Remove ${e.number}`}>
                        ✕
                      </button>
                    </span>
                  </li>
                );
              })}
            </ol>
          )}
          {link && (
            <p className={styles.printOnly}>
              Open: <span className={styles.url}>{link}</span>
            </p>
          )}
        </div>
      </section>

      <section className={styles.noPrint}>
        <h2 id="link">4. Hand it out</h2>
        {assignment ? (
          <>
            <p>
              The whole assignment is inside this link ({link.length} characters): post it in your course page. Each student opens it, sets their name or id,
              works through the exercises on that page and downloads a submission file to hand in. Collect the files (or your course site&rsquo;s zip of them)
              and{' '}
              <a href={link.replace('/assignment/', '/grade/')} data-testid="compose-grade">
                grade them here
              </a>
              .
            </p>
            <div className={styles.linkRow}>
              <input readOnly value={link} aria-label="Assignment link" onFocus={(e) => e.currentTarget.select()} data-testid="compose-link" />
              <button
                className="outline-button"
                type="button"
                onClick={async () => {
                  try {
                    await navigator.clipboard.writeText(link);
                    setCopied(true);
                  } catch {
                    setCopied(false);
                  }
                }}
              >
                {copied ? 'Copied' : 'Copy'}
              </button>
              <a className="outline-button" href={link} target="_blank" rel="noopener" data-testid="compose-open">
                Open as a student
              </a>
              <button className="outline-button" type="button" onClick={() => window.print()}>
                Print a handout
              </button>
            </div>
          </>
        ) : (
          <p className={styles.muted} data-testid="compose-missing">
            {picked.length === 0 ? 'Pick at least one exercise' : 'Give the assignment a title'} to get its link.
          </p>
        )}
      </section>
    </div>
  );
}
