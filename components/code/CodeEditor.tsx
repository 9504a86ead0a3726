'use client';
import { useEffect, useRef, useState } from 'react';
import type { EditorView } from '@codemirror/view';
import styles from './code.module.css';

/**
 * A code editor: a plain textarea, replaced by CodeMirror with the same text the first time the
 * reader points at it or focuses it (and only once `load` is true: the cell is near the viewport).
 * Loading and mounting CodeMirror is one long task, so it waits for the reader's intent instead of
 * landing while a widget nearby is sampling. Shift+Enter runs in both.
 * `value` is read at mount and when `resetKey` changes (Reset); typing flows out through onChange.
 */
export function CodeEditor({
  value,
  resetKey,
  onChange,
  onRun,
  label,
  load,
  testId,
}: {
  value: string;
  resetKey: number;
  onChange: (code: string) => void;
  onRun: () => void;
  label: string;
  load: boolean;
  testId: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [ready, setReady] = useState(false);
  const [wanted, setWanted] = useState(false);
  const focusAfter = useRef(false);
  const latest = useRef({ value, onChange, onRun });
  latest.current = { value, onChange, onRun };

  useEffect(() => {
    if (!load || !wanted || view.current) return;
    let cancelled = false;
    import('./codemirror-setup').then(
      ({ createEditor }) => {
        if (cancelled || !host.current) return;
        view.current = createEditor(
          host.current,
          latest.current.value,
          label,
          (code) => latest.current.onChange(code),
          () => latest.current.onRun(),
        );
        setReady(true);
        if (focusAfter.current) view.current.focus();
      },
      () => {
        // The editor could not load (offline?): the textarea keeps working.
      },
    );
    return () => {
      cancelled = true;
    };
  }, [load, wanted, label]);

  useEffect(() => () => view.current?.destroy(), []);

  // Reset: put the given text back into CodeMirror.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== latest.current.value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: latest.current.value } });
  }, [resetKey]);

  return (
    <div
      className={styles.editor}
      data-testid={testId}
      data-editor={ready ? 'codemirror' : 'textarea'}
      onPointerEnter={() => setWanted(true)}
      onFocusCapture={() => {
        focusAfter.current = true;
        setWanted(true);
      }}
    >
      <div ref={host} hidden={!ready} />
      {!ready && (
        <textarea
          className={styles.textarea}
          value={value}
          spellCheck={false}
          aria-label={label}
          rows={Math.min(24, value.split('\n').length + 1)}
          onChange={(e) => onChange(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && e.shiftKey) {
              e.preventDefault();
              onRun();
            }
          }}
        />
      )}
    </div>
  );
}
