'use client';
import { useEffect, useId, useState, type ReactNode } from 'react';
import { MAX_SEED } from '@/lib/sample/settings';
import controls from '@/components/widgets/shared/controls.module.css';
import type { BackendState } from './use-model-worker';
import type { RunState } from './use-sample-run';

const NAMES: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'plain JavaScript (CPU)' };

/** Which backend runs and why (ARCHITECTURE.md, "Backends": the page says which backend runs and why). */
export function BackendLine({ backend }: { backend: BackendState }) {
  if (backend.status === 'off') return <p className={controls.muted}>The model starts when this figure scrolls into view.</p>;
  if (backend.status === 'starting') return <p className={controls.muted}>Starting TensorFlow.js…</p>;
  if (backend.status === 'error') return <p className={controls.muted}>No backend could start.</p>;
  const threads = backend.threads && (backend.threads.count === 1 ? 'one thread' : `${backend.threads.count} threads`);
  return (
    <p className={controls.muted} data-testid="backend-line" title={backend.fallbacks.length ? `Tried first: ${backend.fallbacks.join('; ')}` : undefined}>
      Running on <strong>{NAMES[backend.backend] ?? backend.backend}</strong>
      {threads && <> with {threads}</>}: <Reason text={backend.reason} />
      {backend.threads?.why && (
        <>
          {' '}
          ({threads} because {backend.threads.why})
        </>
      )}
      .
    </p>
  );
}

/** The backend's reason, with a `?backend=...` override kept on one line (a phone broke it after the "?"). */
export function Reason({ text }: { text: string }) {
  const parts = text.split(/(\?backend=[a-z]+)/);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <code key={i} style={{ whiteSpace: 'nowrap' }}>
            {p}
          </code>
        ) : (
          p
        ),
      )}
    </>
  );
}

function kb(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;
}

/** Weight download progress, then sampling progress and speed. */
export function ProgressLine({ run }: { run: RunState }) {
  if (run.status === 'loading' && run.total > 0) {
    return (
      <div className={controls.progress} data-testid="load-progress">
        <progress max={run.total} value={run.loaded} aria-label="Downloading the model's weights" />
        <span>
          Loading weights {kb(run.loaded)} of {kb(run.total)}
        </span>
      </div>
    );
  }
  if (run.status === 'loading') return <p className={controls.muted}>Loading the model…</p>;
  if (run.status === 'sampling' || run.status === 'done') {
    return (
      <p className={controls.timing} data-testid="timing">
        Step {run.step} / {run.totalSteps}
        {run.msPerStep !== null && <> · {run.msPerStep.toFixed(0)} ms per step</>}
        {run.status === 'done' && run.totalMs !== null && <> · {(run.totalMs / 1000).toFixed(2)} s in all</>}
      </p>
    );
  }
  return null;
}

/** A clear message inside the widget; the rest of the page keeps working. */
export function ErrorBox({ title, detail }: { title: string; detail: string }) {
  return (
    <div className={controls.overlay} role="alert" data-testid="widget-error">
      <div className={controls.error}>
        <strong>{title}</strong>
        <p>{detail}</p>
        <p>Change a setting to try again, or reload the page.</p>
      </div>
    </div>
  );
}

/** Over a widget whose digits file failed: what failed, and what still works (`children`). */
export function DigitsError({ message, testId, children }: { message: string; testId: string; children: ReactNode }) {
  return (
    <div className={controls.overlay} data-testid={testId}>
      <div className={controls.error} role="alert">
        <strong>The MNIST digits could not be loaded</strong> ({message}). {children}
      </div>
    </div>
  );
}

/**
 * The seed a widget draws from, with the button that moves to the next one. With `onSet` the reader
 * can also type a seed (0 to MAX_SEED); a draft that is not one stays in the box, marked invalid,
 * and changes nothing.
 */
export function SeedControl({
  label,
  value,
  onReroll,
  onSet,
  button = 'Re-roll',
  testId,
}: {
  label: string;
  value: ReactNode;
  onReroll: () => void;
  onSet?: (seed: number) => void;
  button?: string;
  testId: string;
}) {
  return (
    <div className={controls.seed}>
      {onSet && typeof value === 'number' ? (
        <SeedInput label={label} value={value} onSet={onSet} testId={`${testId}-seed-value`} />
      ) : (
        <>
          <span className={controls.seedLabel}>{label}</span>
          <output data-testid={`${testId}-seed-value`}>{value}</output>
        </>
      )}
      <button type="button" className={controls.button} onClick={onReroll} data-testid={`${testId}-reroll`}>
        {button}
      </button>
    </div>
  );
}

const SEED_PATTERN = new RegExp(`^\\d{1,${String(MAX_SEED).length}}$`);

function SeedInput({ label, value, onSet, testId }: { label: string; value: number; onSet: (seed: number) => void; testId: string }) {
  const id = useId();
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(String(value)), [value]); // a re-roll or a link moves the seed
  const valid = SEED_PATTERN.test(draft) && Number(draft) <= MAX_SEED;
  return (
    <>
      <label htmlFor={id} className={controls.seedLabel}>
        {label}
      </label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        value={draft}
        aria-invalid={!valid}
        title={`a whole number from 0 to ${MAX_SEED}`}
        data-testid={testId}
        onChange={(e) => {
          const v = e.currentTarget.value.trim();
          setDraft(v);
          if (SEED_PATTERN.test(v) && Number(v) <= MAX_SEED) onSet(Number(v));
        }}
      />
    </>
  );
}

/**
 * The attributes every widget's root carries: its frame, its name (which the end-to-end tests,
 * exercises and assignments find it by) and its anchor, `#w-<prefix>`, the prefix its settings and
 * test ids use too. `figures` lays its figures out with captions under them.
 */
export function frameAttributes(name: string, prefix: string, className: string, figures = false): { id: string; className: string; 'data-widget': string } {
  return { id: `w-${prefix}`, className: `${controls.frame} ${figures ? `${controls.figures} ` : ''}${className}`, 'data-widget': name };
}

/** The attributes on a model widget's root that say what it is doing (the end-to-end tests read them); it is busy while loading or computing. */
export function workAttributes(
  work: { status: string; requestId: number },
  backend: BackendState,
): { 'data-status': string; 'data-request': number; 'data-backend': string; 'aria-busy': boolean } {
  const busy = work.status === 'loading' || work.status === 'running' || work.status === 'sampling';
  return { 'data-status': work.status, 'data-request': work.requestId, 'data-backend': backend.status === 'ready' ? backend.backend : '', 'aria-busy': busy };
}
