'use client';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { loadChapterExercises } from '@/content/exercises/by-chapter';
import { checkAnswer, MAX_ANSWER_LENGTH, type Verdict } from '@/lib/exercises/check';
import { fillPlaceholders } from '@/lib/exercises/placeholders';
import { displayValues, drawParams, optionOrder } from '@/lib/exercises/seed';
import { KIND_LABELS, type Exercise, type ExerciseKind, type Params } from '@/lib/exercises/types';
import { readWidgetState } from '@/lib/exercises/widget-state';
import { useExerciseProgress } from './use-progress';
import { seedOf, useExerciseScope } from './scope';
import { CodeExerciseBody } from './CodeExerciseBody';
import styles from './Exercise.module.css';

/** The exercise's text, rendered at build time (trusted HTML from content/exercises, placeholders still in). */
export interface ExerciseHtml {
  prompt: string;
  hints: string[];
  solution: string;
  options: string[];
  whys: string[];
}

/** What the card knows before its exercise's code has loaded (written by the server at build time). */
export interface ExerciseInfo {
  id: string;
  chapter: string;
  number: string;
  kind: ExerciseKind;
  title: string;
  /** The widget exercise's button ("Check the widget's t"). */
  reads?: string;
  unit?: string;
  /** True when the numbers are drawn per student. */
  personal: boolean;
  /** The placeholders filled for the default draw (no student id), shown until the page knows the student. */
  defaults: Record<string, string>;
  solutionCode?: string;
}

type Feedback = Verdict & { html?: string };

/** One exercise: the prompt with this student's numbers, an answer, Check, hints and the worked solution behind reveals. */
export function ExerciseCard({ info, html }: { info: ExerciseInfo; html: ExerciseHtml }) {
  const { id, number } = info;
  const [ex, setEx] = useState<Exercise | null>(null);
  useEffect(() => {
    let live = true;
    void loadChapterExercises(info.chapter).then((list) => live && setEx(list.find((e) => e.id === id) ?? null));
    return () => {
      live = false;
    };
  }, [info.chapter, id]);
  const progress = useExerciseProgress(id);
  const { entry, student } = progress;
  const scope = useExerciseScope();
  const seed = seedOf(scope, student);
  const ready = progress.ready && ex !== null;
  const params = useMemo(() => (ex ? (drawParams(ex, seed) as Params) : null), [ex, seed]);
  const values = useMemo(() => (ex && params ? displayValues(ex, params) : info.defaults), [ex, params, info.defaults]);
  const fill = (h: string) => fillPlaceholders(h, values);
  const [answer, setAnswer] = useState('');
  const [picked, setPicked] = useState<number | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const uid = useId();

  // New numbers (another student id) make the last verdict stale.
  useEffect(() => setFeedback(null), [seed]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ex || !params || ex.kind === 'code') return;
    let raw: string;
    if (ex.kind === 'numeric') raw = answer.slice(0, MAX_ANSWER_LENGTH + 1);
    else if (ex.kind === 'widget') {
      const state = readWidgetState(ex.widget);
      if (!state) {
        setFeedback({ correct: false, message: 'The widget above has not reported a setting yet: scroll to it and move it first.' });
        return;
      }
      raw = JSON.stringify(state);
    } else {
      if (picked === null) {
        setFeedback({ correct: false, message: 'Pick one of the options first.' });
        return;
      }
      raw = String(picked);
    }
    const v = checkAnswer(ex, params, raw);
    const readable = ex.kind === 'numeric' ? !/^(Type a number|“|That answer)/.test(v.message) : true;
    setFeedback({ ...v, html: ex.kind === 'choice' || ex.kind === 'formula' ? fill(html.whys[picked!]) : undefined });
    if (readable) progress.record({ answer: raw.slice(0, 1000), correct: v.correct });
  };

  const attempts = entry?.attempts.length ?? 0;
  const hintsShown = Math.min(entry?.hintsShown ?? 0, html.hints.length);
  const state = entry?.solved ? 'solved' : attempts > 0 ? 'tried' : 'new';

  return (
    <section
      className={styles.card}
      id={`exercise-${id}`}
      data-exercise={id}
      data-kind={info.kind}
      data-state={state}
      data-ready={ready}
      aria-labelledby={`${uid}-title`}
    >
      <header className={styles.head}>
        <h3 id={`${uid}-title`} className={styles.title}>
          <a href={`#exercise-${id}`}>Exercise {number}</a> <span className={styles.name}>{info.title}</span>
        </h3>
        <span className="pill">{KIND_LABELS[info.kind]}</span>
        {state === 'solved' && (
          <span className={styles.solved} data-testid="exercise-solved">
            ✓ solved
          </span>
        )}
      </header>
      <div className={styles.prompt} dangerouslySetInnerHTML={{ __html: fill(html.prompt) }} />

      {ex?.kind === 'code' && ready && (
        <CodeExerciseBody
          key={seed}
          ex={ex}
          seed={seed}
          lastCode={entry?.attempts.at(-1)?.answer ?? null}
          onAttempt={(code, correct) => progress.record({ answer: code, correct })}
        />
      )}
      {info.kind !== 'code' && (
        <form onSubmit={submit} className={styles.form}>
          {info.kind === 'numeric' && (
            <label className={styles.numeric}>
              <span className="visually-hidden">Your answer</span>
              <input
                type="text"
                inputMode="decimal"
                autoComplete="off"
                spellCheck={false}
                maxLength={MAX_ANSWER_LENGTH}
                value={answer}
                onChange={(e) => setAnswer(e.currentTarget.value)}
                placeholder="your answer"
                data-testid="exercise-input"
              />
              {info.unit && <span>{info.unit}</span>}
            </label>
          )}
          {(info.kind === 'choice' || info.kind === 'formula') && (
            <fieldset className={styles.options}>
              <legend className="visually-hidden">Options</legend>
              {optionOrder(html.options.length, seed, id).map((i, k) => (
                <label key={i} className={`${styles.option} ${picked === i ? styles.picked : ''}`}>
                  <input
                    type="radio"
                    name={`${uid}-option`}
                    checked={picked === i}
                    onChange={() => setPicked(i)}
                    // A formula's name is its maths, which not every assistive tool reads from KaTeX's MathML: it is named by its place and described by the formula.
                    {...(info.kind === 'formula' ? { 'aria-label': `Formula ${k + 1}`, 'aria-describedby': `${uid}-option-${i}` } : {})}
                    data-testid={`exercise-option-${i}`}
                  />
                  <span id={`${uid}-option-${i}`} dangerouslySetInnerHTML={{ __html: fill(html.options[i]) }} />
                </label>
              ))}
            </fieldset>
          )}
          <button type="submit" className={styles.check} data-testid="exercise-check">
            {info.reads ?? 'Check'}
          </button>
          {attempts > 0 && (
            <span className={styles.meta} data-testid="exercise-attempts">
              {attempts} {attempts === 1 ? 'attempt' : 'attempts'}
            </span>
          )}
        </form>
      )}

      <div className={styles.feedbackBox} aria-live="polite">
        {feedback && (
          <div className={feedback.correct ? styles.right : styles.wrong} data-testid="exercise-feedback" data-correct={feedback.correct}>
            <strong>{feedback.correct ? 'Right.' : 'Not yet.'}</strong>{' '}
            {feedback.html ? (
              <span dangerouslySetInnerHTML={{ __html: feedback.html }} />
            ) : (
              <span>{feedback.message.replace(/^(Right|Not yet)[.:] ?/, '')}</span>
            )}
          </div>
        )}
      </div>

      {html.hints.slice(0, hintsShown).map((h, i) => (
        <div key={i} className={styles.hint} data-testid="exercise-hint">
          <strong>Hint {i + 1}.</strong> <span dangerouslySetInnerHTML={{ __html: fill(h) }} />
        </div>
      ))}
      {entry?.solutionShown && (
        <div className={styles.solution} data-testid="exercise-solution">
          <strong>Worked solution.</strong> <span dangerouslySetInnerHTML={{ __html: fill(html.solution) }} />
          {info.solutionCode && <pre className={styles.solutionCode}>{info.solutionCode}</pre>}
        </div>
      )}
      <div className={styles.reveals}>
        {hintsShown < html.hints.length && (
          <button type="button" className={styles.quiet} onClick={progress.showHint} data-testid="exercise-hint-button">
            Show a hint ({hintsShown + 1} of {html.hints.length})
          </button>
        )}
        {!entry?.solutionShown && (
          <button type="button" className={styles.quiet} onClick={progress.showSolution} data-testid="exercise-solution-button">
            Show the worked solution
          </button>
        )}
        <span className={styles.meta}>
          {!info.personal ? null : !scope.randomised ? (
            <>The whole class has these numbers.</>
          ) : student ? (
            <>
              Numbers drawn for <q>{student}</q>.
            </>
          ) : scope.assignment ? (
            <>Set your name or id above to get your own numbers.</>
          ) : (
            <>
              Set your name or id on the <a href="/progress/">progress page</a> to get your own numbers.
            </>
          )}
          {!progress.saved && ' This browser is not storing progress (private mode or storage full).'}
        </span>
      </div>
    </section>
  );
}
