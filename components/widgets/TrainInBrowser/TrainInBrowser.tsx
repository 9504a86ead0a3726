'use client';
import { useRef } from 'react';
import { RangeControl, SelectControl } from '@/components/widgets/shared/RangeControl';
import controls from '@/components/widgets/shared/controls.module.css';
import { PictureGrid } from '@/components/widgets/shared/PictureGrid';
import { Reason, frameAttributes } from '@/components/widgets/shared/StatusParts';
import { BATCH_CHOICES, LR_CHOICES, TRAINER_PRESETS, type SampleWeights, type TrainerPreset } from '@/lib/train/browser-recipe';
import { LossChart } from './LossChart';
import { HISTORY_ROWS, TIB_URL, useTrainInBrowser, type TrainInBrowserState, type UiPhase } from './use-train-in-browser';
import { SettingLink } from '../shared/SettingLink';
import styles from './TrainInBrowser.module.css';

const BACKEND_NAMES: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'plain JavaScript (CPU)' };

const PRESET_LABELS: Record<TrainerPreset, string> = {
  // Short enough for the closed select on a phone (about 36 characters).
  'DiT-mini-S/4': 'DiT-mini-S/4 (4 tokens, fastest)',
  'DiT-mini-S/2': 'DiT-mini-S/2 (16 tokens)',
  'DiT-mini-B/4': 'DiT-mini-B/4 (wider, learns soonest)',
};
const PRESET_OPTIONS = TRAINER_PRESETS.map((p) => ({ value: p, label: PRESET_LABELS[p] }));
const BATCH_OPTIONS = BATCH_CHOICES.map((b) => ({ value: String(b) as `${typeof b}`, label: String(b) }));
const WEIGHT_OPTIONS: { value: SampleWeights; label: string }[] = [
  { value: 'raw', label: 'raw weights' },
  { value: 'ema', label: 'EMA weights' },
];

function lrText(lr: number): string {
  const e = Math.floor(Math.log10(lr));
  const m = lr / 10 ** e;
  return `${Number(m.toFixed(2))}e${e}`;
}

function kb(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;
}

function PhaseLine({ s }: { s: TrainInBrowserState }) {
  const p = s.dataProgress;
  if (p) {
    const what =
      p.stage === 'download'
        ? `Downloading the training digits: ${kb(p.done)}${p.total > 0 ? ` of ${kb(p.total)}` : ''}`
        : `Encoding digits with the VAE: ${p.done} of ${p.total}`;
    return (
      <div className={controls.progress} data-testid="tib-data-progress">
        <progress max={p.total || 1} value={p.done} aria-label={what} />
        <span>{what}</span>
      </div>
    );
  }
  const words: Record<UiPhase, string> = {
    off: 'The trainer starts when this figure scrolls into view.',
    starting: 'Starting TensorFlow.js…',
    idle: s.data ? 'Ready: press Train to build a fresh model.' : 'Press Train: the widget downloads 2,000 digits and the VAE, then trains.',
    'loading-data': 'Loading the training digits and the VAE…',
    encoding: 'Encoding the digits with the VAE…',
    building: 'Building the model…',
    training: 'Training.',
    pausing: 'Pausing after this step…',
    paused: 'Paused. Train resumes from here; Reset starts over.',
    resetting: 'Freeing the model…',
  };
  return <p className={controls.muted}>{words[s.phase]}</p>;
}

/**
 * Train a real DiT in the reader's browser: 2,000 training-split digits, encoded by the shipped VAE,
 * the same training loop as the command-line recipes (lib/train), a live loss chart, and a grid of
 * digits 0..9 sampled from the current weights every few steps. Runs in its own worker.
 */
export function TrainInBrowser() {
  const root = useRef<HTMLDivElement>(null);
  const s = useTrainInBrowser(root);
  const { settings } = s;
  const busy = s.phase === 'loading-data' || s.phase === 'encoding' || s.phase === 'building';
  const training = s.phase === 'training' || busy;
  const canTrain = s.backend.status === 'ready' && (s.phase === 'idle' || s.phase === 'paused');
  // Reset and "Sample now" need a model: one that is training or paused.
  const hasModel = s.phase === 'paused' || s.phase === 'training';
  const lrIndex = Math.max(
    0,
    LR_CHOICES.findIndex((v) => Math.abs(v - settings.lr) < 1e-12),
  );
  const latest = s.grids[0] ?? null;
  const older = s.grids.slice(1, HISTORY_ROWS + 1);
  const olderValues = (() => {
    if (older.length === 0) return null;
    const px = older[0].images.length;
    const out = new Float32Array(older.length * px);
    older.forEach((g, i) => out.set(g.images, i * px));
    return out;
  })();

  return (
    <div
      ref={root}
      {...frameAttributes('train-in-browser', 'tib', styles.root)}
      data-phase={s.phase}
      data-step={s.step}
      data-backend={s.backend.status === 'ready' ? s.backend.backend : ''}
      data-steps-per-sec={s.stepsPerSec ?? ''}
      data-grids={s.grids.length}
      aria-busy={busy}
    >
      <div className={controls.controls}>
        <SelectControl<TrainerPreset>
          label="Model"
          value={settings.preset}
          options={PRESET_OPTIONS}
          onChange={(v) => s.update({ preset: v })}
          disabled={s.locked}
          className={styles.modelControl}
          testId="tib-preset"
        />
        <SelectControl
          label="Batch size"
          value={String(settings.batchSize) as `${(typeof BATCH_CHOICES)[number]}`}
          options={BATCH_OPTIONS}
          onChange={(v) => s.update({ batchSize: Number(v) as (typeof BATCH_CHOICES)[number] })}
          disabled={s.locked}
          testId="tib-batch"
        />
        <RangeControl
          label="Peak learning rate"
          value={lrIndex}
          min={0}
          max={LR_CHOICES.length - 1}
          onChange={(i) => s.update({ lr: LR_CHOICES[i] })}
          valueText={`peak learning rate ${lrText(settings.lr)}`}
          display={lrText(settings.lr)}
          testId="tib-lr"
        />
        <SelectControl<SampleWeights>
          label="Samples from"
          value={settings.sampleWeights}
          options={WEIGHT_OPTIONS}
          onChange={(v) => s.update({ sampleWeights: v })}
          testId="tib-weights"
        />
      </div>
      <SettingLink prefix="tib" spec={TIB_URL} settings={settings} problems={s.urlProblems} />

      <div className={styles.buttons}>
        {training || s.phase === 'pausing' ? (
          <button
            type="button"
            className={`${controls.button} ${styles.primary}`}
            onClick={s.pause}
            disabled={s.phase === 'pausing' || busy}
            data-testid="tib-pause"
          >
            Pause
          </button>
        ) : (
          <button type="button" className={`${controls.button} ${styles.primary}`} onClick={s.train} disabled={!canTrain} data-testid="tib-train">
            {s.phase === 'paused' ? 'Resume' : 'Train'}
          </button>
        )}
        <button type="button" className={controls.button} onClick={s.reset} disabled={!hasModel} data-testid="tib-reset">
          Reset
        </button>
        <button type="button" className={controls.button} onClick={s.sampleNow} disabled={!hasModel} data-testid="tib-sample">
          Sample now
        </button>
        {s.locked && <span className={styles.hint}>Model and batch size are fixed for this model: Reset to change them.</span>}
      </div>

      {s.error && (
        <div className={controls.inlineError} role="alert" data-testid="widget-error">
          <strong>
            {s.error.kind === 'data'
              ? 'The training digits could not be loaded.'
              : s.error.kind === 'weights'
                ? 'The VAE could not be loaded.'
                : s.error.kind === 'backend'
                  ? 'TensorFlow.js could not start in this browser.'
                  : 'Training stopped.'}
          </strong>{' '}
          {s.error.message}
        </div>
      )}

      <div className={controls.status}>
        {s.backend.status === 'ready' ? (
          <p
            className={controls.muted}
            data-testid="tib-backend"
            title={s.backend.fallbacks.length ? `Tried first: ${s.backend.fallbacks.join('; ')}` : undefined}
          >
            Training on <strong>{BACKEND_NAMES[s.backend.backend] ?? s.backend.backend}</strong>: <Reason text={s.backend.reason} />
            {s.backend.fallbacks.length > 0 ? ' (the faster choice failed to start)' : ''}.
          </p>
        ) : s.backend.status === 'error' ? (
          <p className={controls.muted}>TensorFlow.js could not start here.</p>
        ) : null}
        <PhaseLine s={s} />
        {s.data && (
          <p className={controls.muted} data-testid="tib-data">
            {s.data.digits.toLocaleString('en')} training digits (
            {s.data.perClass.every((c) => c === s.data!.perClass[0]) ? `${s.data.perClass[0]} of each class` : `${s.data.perClass.join(' / ')} of 0 to 9`}),{' '}
            {kb(s.data.bytes)}, encoded to 8×8×4 latents by the VAE in {(s.data.encodeMs / 1000).toFixed(1)} s.
          </p>
        )}
        {/* Holds the data line's place, so pressing Train does not push the chart down. */}
        {!s.data && <p className={controls.muted}>Training digits: none loaded yet.</p>}
        <p className={controls.timing} data-testid="tib-speed">
          {s.model ? (
            <>
              {s.model.preset}, {(s.model.parameters / 1e6).toFixed(2)}M parameters, {s.model.tokens} tokens · step {s.step.toLocaleString('en')}
              {s.stepsPerSec !== null && <> · {s.stepsPerSec.toFixed(1)} steps/s</>}
              {s.lr !== null && <> · lr {lrText(s.lr)}</>}
            </>
          ) : (
            <>No model yet.</>
          )}
        </p>
      </div>

      <div className={styles.panes}>
        <LossChart history={s.history} version={s.historyVersion} step={s.step} />
        <div className={styles.samples}>
          <figure className={styles.latest}>
            <PictureGrid
              values={latest?.images ?? null}
              count={10}
              cols={5}
              gap={2}
              label={latest ? `Digits 0 to 9 sampled from the ${latest.weights === 'ema' ? 'EMA' : 'raw'} weights at step ${latest.step}` : 'No samples yet'}
              className={styles.grid}
              testId="tib-samples"
            />
            <figcaption>
              {latest ? (
                <>
                  0–9 at step {latest.step} ({latest.weights === 'ema' ? 'EMA' : 'raw'} weights, {settings.sampleSteps} DDIM steps, guidance{' '}
                  {settings.guidanceScale})
                </>
              ) : (
                <>Digits 0–9 appear here every {settings.sampleEvery} steps.</>
              )}
            </figcaption>
          </figure>
          <figure className={styles.older}>
            <div className={styles.olderRows}>
              <PictureGrid
                values={olderValues}
                count={HISTORY_ROWS * 10}
                cols={10}
                gap={2}
                label={`Earlier samples, steps ${older.map((g) => g.step).join(', ') || 'none yet'}`}
                className={styles.olderGrid}
                testId="tib-history"
              />
              <ol className={styles.olderSteps} aria-hidden="true">
                {Array.from({ length: HISTORY_ROWS }, (_, i) => (
                  <li key={i}>{older[i] ? older[i].step : ''}</li>
                ))}
              </ol>
            </div>
            <figcaption>Earlier rounds, newest first (step at the right)</figcaption>
          </figure>
        </div>
      </div>

      <p className={styles.note}>
        Training runs in a background thread and keeps going if you switch tabs (a browser may slow down a hidden tab after a while); Pause frees the CPU.
      </p>
    </div>
  );
}
