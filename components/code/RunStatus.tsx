'use client';
import type { SandboxOutcome } from '@/lib/sandbox/client';
import styles from './code.module.css';

/** One line on how the last run went: time taken, the error, the time limit or a crash. */
export function RunStatus({ running, outcome, limitMs, testId }: { running: boolean; outcome: SandboxOutcome | null; limitMs: number; testId: string }) {
  if (running)
    return (
      <p className={styles.status} role="status" data-testid={testId} data-state="running">
        Running…
      </p>
    );
  if (!outcome) return null;
  if (outcome.type === 'timeout')
    return (
      <p className={styles.problem} role="alert" data-testid={testId} data-state="timeout">
        Stopped after {limitMs / 1000} s, the time limit. Does the code loop forever? The page is fine: the code ran in a separate worker, which was stopped.
      </p>
    );
  if (outcome.type === 'crashed')
    return (
      <p className={styles.problem} role="alert" data-testid={testId} data-state="crashed">
        The sandbox stopped: {outcome.message}.
      </p>
    );
  if (outcome.error)
    return (
      <p className={styles.problem} role="alert" data-testid={testId} data-state="error">
        {outcome.error}
      </p>
    );
  return (
    <p className={styles.status} role="status" data-testid={testId} data-state="done">
      Ran in {outcome.ms < 1 ? '<1' : Math.round(outcome.ms)} ms.
    </p>
  );
}
