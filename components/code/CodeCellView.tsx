'use client';
import { useRef, useState } from 'react';
import { cellNeedsModels, TIME_LIMIT_MS } from '@/lib/sandbox/protocol';
import { useNearViewport } from '@/components/widgets/shared/use-model-worker';
import { CodeEditor } from './CodeEditor';
import { CodeOutputs } from './CodeOutputs';
import { RunStatus } from './RunStatus';
import { useSandboxRun } from './use-sandbox';
import styles from './code.module.css';

/** A runnable cell: the code (editable), Run (or Shift+Enter), Reset, and what it printed and drew. */
export function CodeCellView({ id, title, code }: { id: string; title: string; code: string }) {
  const root = useRef<HTMLElement>(null);
  const near = useNearViewport(root);
  const [text, setText] = useState(code);
  const [resetKey, setResetKey] = useState(0);
  const { running, outcome, runs, run } = useSandboxRun(near);
  const models = cellNeedsModels(text);
  const limit = models ? TIME_LIMIT_MS.cellWithModels : TIME_LIMIT_MS.cell;
  const go = () => void run({ type: 'cell', code: text, models }, limit);
  const outputs = outcome && (outcome.type === 'done' || outcome.type === 'tested') ? outcome.outputs : [];

  return (
    <section ref={root} className={styles.cell} id={id} data-cell={id} data-running={running} data-runs={runs} aria-label={`Code cell: ${title}`}>
      <header className={styles.head}>
        <span className={styles.badge}>code</span> <strong>{title}</strong>
      </header>
      <CodeEditor value={text} resetKey={resetKey} onChange={setText} onRun={go} label={`Code of the cell “${title}”`} load={near} testId={`${id}-editor`} />
      <div className={styles.actions}>
        <button type="button" className={styles.run} onClick={go} disabled={running} data-testid={`${id}-run`}>
          Run
        </button>
        <button
          type="button"
          className={styles.quiet}
          onClick={() => {
            setText(code);
            setResetKey((k) => k + 1);
          }}
          disabled={text === code}
          data-testid={`${id}-reset`}
        >
          Reset
        </button>
        <span className={styles.hint}>
          Shift+Enter runs · the code runs in a sandbox: no page, no network, {limit / 1000} s at most{models ? ' (loads the shipped DiT and VAE first)' : ''}
        </span>
      </div>
      <div aria-live="polite">
        <RunStatus running={running} outcome={outcome} limitMs={limit} testId={`${id}-status`} />
      </div>
      <div data-testid={`${id}-outputs`}>
        <CodeOutputs items={outputs} />
      </div>
    </section>
  );
}
