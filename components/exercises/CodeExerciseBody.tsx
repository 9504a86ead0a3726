'use client';
import { useRef, useState } from 'react';
import type { CodeExercise } from '@/lib/exercises/types';
import { MAX_ANSWER_CHARS } from '@/lib/exercises/check';
import { codeVerdict, TIME_LIMIT_MS, type CaseResult } from '@/lib/sandbox/protocol';
import { useNearViewport } from '@/components/widgets/shared/use-model-worker';
import { CodeEditor } from '@/components/code/CodeEditor';
import { CodeOutputs } from '@/components/code/CodeOutputs';
import { RunStatus } from '@/components/code/RunStatus';
import { useSandboxRun } from '@/components/code/use-sandbox';
import codeStyles from '@/components/code/code.module.css';
import styles from './Exercise.module.css';

/**
 * A code exercise's answer: an editor with the starter code (or the last code tried), "Run the
 * tests" in the sandbox, and each case passed or failed with what was expected. Every run with
 * cases is an attempt, right when every case passes.
 */
export function CodeExerciseBody({
  ex,
  seed,
  lastCode,
  onAttempt,
}: {
  ex: CodeExercise;
  /** The id its numbers are drawn from (the student's, or '' when the class shares them). */
  seed: string;
  lastCode: string | null;
  onAttempt: (code: string, correct: boolean) => void;
}) {
  const root = useRef<HTMLDivElement>(null);
  const near = useNearViewport(root);
  const [code, setCode] = useState(lastCode ?? ex.starter);
  const [resetKey, setResetKey] = useState(0);
  const { running, outcome, run } = useSandboxRun(near);
  const [cases, setCases] = useState<CaseResult[] | null>(null);

  const [tooLong, setTooLong] = useState(false);

  const test = async () => {
    // What runs is exactly what is stored (and what a teacher re-grades): no longer than an answer may be.
    setTooLong(code.length > MAX_ANSWER_CHARS);
    if (code.length > MAX_ANSWER_CHARS) return;
    const r = await run({ type: 'exercise', code, exercise: ex.id, student: seed }, TIME_LIMIT_MS.exercise);
    if (!r) return;
    setCases(r.type === 'tested' ? r.cases : []);
    // Every run that finished or ran out of time is an attempt; a crashed sandbox is not the student's.
    if (r.type === 'tested') onAttempt(code, codeVerdict(r).passed);
    else if (r.type === 'timeout') onAttempt(code, false);
  };

  const passed = cases?.filter((c) => c.passed).length ?? 0;
  return (
    <div ref={root} className={styles.code}>
      <CodeEditor
        value={code}
        resetKey={resetKey}
        onChange={setCode}
        onRun={() => void test()}
        label={`Your code for ${ex.fn}`}
        load={near}
        testId={`${ex.id}-editor`}
      />
      <div className={codeStyles.actions}>
        <button type="button" className={styles.check} onClick={() => void test()} disabled={running} data-testid="exercise-run-tests">
          Run the tests
        </button>
        <button
          type="button"
          className={codeStyles.quiet}
          onClick={() => {
            setCode(ex.starter);
            setResetKey((k) => k + 1);
          }}
          data-testid="exercise-reset-code"
        >
          Start again
        </button>
        <span className={codeStyles.hint}>Shift+Enter runs the tests · {TIME_LIMIT_MS.exercise / 1000} s at most, in a sandbox</span>
      </div>
      <div aria-live="polite">
        {tooLong && (
          <p className={styles.wrong} role="alert">
            Your code is {code.length.toLocaleString('en')} characters long; an answer may have {MAX_ANSWER_CHARS.toLocaleString('en')} at most. Shorten it
            (comments count) and run again.
          </p>
        )}
        <RunStatus running={running} outcome={outcome} limitMs={TIME_LIMIT_MS.exercise} testId={`${ex.id}-status`} />
        {cases && cases.length > 0 && !running && (
          <div className={passed === cases.length ? styles.right : styles.wrong} data-testid="exercise-feedback" data-correct={passed === cases.length}>
            <strong>{passed === cases.length ? 'Right.' : 'Not yet.'}</strong> {passed} of {cases.length} cases pass.
            <ul className={codeStyles.cases}>
              {cases.map((c, i) => (
                <li key={i} data-testid="exercise-case" data-passed={c.passed}>
                  <span className={c.passed ? codeStyles.pass : codeStyles.fail}>{c.passed ? '✓' : '✗'}</span> {c.name}
                  {c.passed ? '' : `: ${c.message}`}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {outcome && (outcome.type === 'tested' || outcome.type === 'done') && outcome.outputs.length > 0 && <CodeOutputs items={outcome.outputs} />}
    </div>
  );
}
