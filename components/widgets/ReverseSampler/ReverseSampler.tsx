'use client';
import { Sym } from '@/components/widgets/shared/Sym';
import { useMemo, useRef } from 'react';
import { ClassSelect, RangeControl, SelectControl } from '@/components/widgets/shared/RangeControl';
import { DigitFigure } from '@/components/widgets/shared/DigitCanvas';
import controls from '@/components/widgets/shared/controls.module.css';
import type { SamplerName } from '@/lib/worker/protocol';
import { widgetError } from '../shared/use-model-worker';
import { BackendLine, ErrorBox, ProgressLine, SeedControl, workAttributes, frameAttributes } from '../shared/StatusParts';
import { PictureGrid } from '../shared/PictureGrid';
import { GRID_SAMPLES, RS_URL, STEPS_RANGE, useReverseSampler, type SamplerSettings } from './use-reverse-sampler';
import { SettingLink } from '../shared/SettingLink';
import styles from './ReverseSampler.module.css';

const SAMPLER_OPTIONS: { value: SamplerName; label: string }[] = [
  { value: 'ddpm', label: 'DDPM (ancestral)' },
  { value: 'ddim', label: 'DDIM' },
  { value: 'dpm++2m', label: 'DPM-Solver++ (2M)' },
];
const STRIP_FRAMES = 8;

/** Frames evenly spaced over the film, as one buffer for a PictureGrid (x_t row, then x_0 row). */
function stripValues(xt: Float32Array[], x0: Float32Array[]): { values: Float32Array; count: number } | null {
  const n = xt.length;
  if (n === 0) return null;
  const k = Math.min(STRIP_FRAMES, n);
  const idx = Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / Math.max(1, k - 1)));
  const px = xt[0].length;
  const out = new Float32Array(2 * k * px);
  idx.forEach((f, i) => {
    out.set(xt[f], i * px);
    // x_T has no prediction yet: its cell stays black (-1) rather than a mid-grey that looks like a picture.
    if (x0[f].length === px) out.set(x0[f], (k + i) * px);
    else out.fill(-1, (k + i) * px, (k + i + 1) * px);
  });
  return { values: out, count: k };
}

/**
 * The reverse process live: 16 digits drawn by the project's DiT from pure noise, with the class,
 * guidance scale, step count, sampler and seed under the reader's control, and one sample's
 * filmstrip of x_t and predicted x_0 at every step. The model runs in a worker (lib/runtime).
 */
export function ReverseSampler({ model, initial }: { model?: string; initial?: Partial<SamplerSettings> }) {
  const root = useRef<HTMLDivElement>(null);
  const s = useReverseSampler(root, { model, initial });
  const { settings, run, film } = s;
  const strip = useMemo(() => stripValues(film.all.xt, film.all.x0), [film.frames, film.all]); // eslint-disable-line react-hooks/exhaustive-deps
  const err = widgetError(run, s.backend);
  const classWord = settings.label < 0 ? 'random digits' : `the digit ${settings.label}`;

  return (
    <div
      ref={root}
      {...frameAttributes('reverse-sampler', 'rs', styles.root)}
      {...workAttributes(run, s.backend)}
      data-step={run.step}
      data-total-steps={run.totalSteps}
      data-first-ms={run.firstPictureMs ?? ''}
      data-done-ms={run.doneMs ?? ''}
      data-ms-per-step={run.msPerStep ?? ''}
      data-model={s.model}
    >
      <div className={controls.controls}>
        <ClassSelect value={settings.label} onChange={(label) => s.update({ label })} testId="rs-class" />
        <RangeControl
          label="Guidance scale"
          symbol="s"
          value={settings.guidance}
          min={0}
          max={10}
          step={0.5}
          onChange={(v) => s.update({ guidance: v })}
          valueText={`guidance scale ${settings.guidance}`}
          display={settings.guidance.toFixed(1)}
          testId="rs-guidance"
        />
        <RangeControl
          label="Steps"
          value={settings.steps}
          min={STEPS_RANGE.min}
          max={STEPS_RANGE.max}
          onChange={(v) => s.update({ steps: v })}
          valueText={`${settings.steps} sampling steps`}
          testId="rs-steps"
        />
        <SelectControl<SamplerName>
          label="Sampler"
          value={settings.sampler}
          options={SAMPLER_OPTIONS}
          onChange={(v) => s.update({ sampler: v })}
          testId="rs-sampler"
        />
        <RangeControl
          label="DDIM"
          symbol="η"
          value={settings.eta}
          min={0}
          max={1}
          step={0.1}
          onChange={(v) => s.update({ eta: v })}
          valueText={settings.sampler === 'ddim' ? `eta ${settings.eta}` : 'eta applies to DDIM only'}
          display={settings.sampler === 'ddim' ? settings.eta.toFixed(1) : 'DDIM only'}
          disabled={settings.sampler !== 'ddim'}
          testId="rs-eta"
        />
        <SeedControl label="Seed" value={settings.seed} onReroll={s.reroll} onSet={(seed) => s.update({ seed })} testId="rs" />
      </div>

      <div className={controls.status}>
        <BackendLine backend={s.backend} />
        <ProgressLine run={run} />
      </div>
      <SettingLink prefix="rs" spec={RS_URL} settings={settings} problems={s.urlProblems} />

      <div className={styles.panes}>
        <figure className={styles.gridPane}>
          <PictureGrid
            values={run.grid}
            count={GRID_SAMPLES}
            cols={4}
            label={`${GRID_SAMPLES} samples of ${classWord}, guidance scale ${settings.guidance}, ${settings.steps} ${settings.sampler.toUpperCase()} steps${run.status === 'done' ? '' : ' (predicted x_0 while sampling)'}`}
            selected={settings.traced}
            onPick={(i) => s.update({ traced: i })}
            className={styles.grid}
            testId="rs-grid"
          />
          <figcaption>
            {run.status === 'done' ? (
              'Samples'
            ) : (
              <>
                Predicted <Sym v="x" sub="0" /> so far
              </>
            )}{' '}
            · click one to follow it
          </figcaption>
        </figure>

        <div className={styles.filmPane}>
          <div className={styles.pair}>
            <DigitFigure
              values={film.xt}
              label={film.frame === 0 ? 'x_T: the starting noise, decoded' : `x after step ${film.frame} of ${film.frames - 1}, decoded`}
              className={styles.big}
              testId="rs-xt"
              caption={<Sym v="x" sub="t" />}
            />
            <DigitFigure
              values={film.x0}
              label={film.x0 && film.t !== null ? `predicted x_0 at t = ${film.t + 1}` : 'no prediction yet'}
              className={styles.big}
              testId="rs-x0"
              caption={
                <>
                  predicted <Sym v="x" sub="0" />
                </>
              }
            />
          </div>
          <div className={styles.playback}>
            <button
              type="button"
              className={controls.button}
              onClick={s.togglePlay}
              disabled={run.status !== 'done' || film.frames < 2}
              aria-pressed={film.playing}
              data-testid="rs-play"
            >
              {film.playing ? 'Pause' : 'Play'}
            </button>
            <RangeControl
              label="Step"
              value={film.frame}
              min={0}
              max={Math.max(0, film.frames - 1)}
              onChange={s.scrub}
              valueText={
                film.t === null
                  ? 'no steps yet'
                  : film.frame === 0
                    ? 'x_T, before the first step'
                    : `step ${film.frame} of ${film.frames - 1}, network called at t = ${film.t + 1}`
              }
              display={
                film.t === null ? (
                  '–'
                ) : film.frame === 0 ? (
                  <>
                    <Sym v="x" sub="T" />
                  </>
                ) : (
                  <>
                    {film.frame} / {film.frames - 1} · <var>t</var> = {film.t + 1}
                  </>
                )
              }
              disabled={film.frames < 2}
              className={styles.scrub}
              testId="rs-scrub"
            />
          </div>
          <figure className={styles.stripFigure}>
            <div className={styles.stripRows}>
              <div className={styles.stripLabels} aria-hidden="true">
                <span>
                  <Sym v="x" sub="t" />
                </span>
                <span>
                  <Sym v="x̂" sub="0" />
                </span>
              </div>
              <PictureGrid
                values={strip?.values ?? null}
                count={2 * (strip?.count ?? STRIP_FRAMES)}
                cols={strip?.count ?? STRIP_FRAMES}
                label="Filmstrip: x_t (top row) and predicted x_0 (bottom row) at evenly spaced steps, noise on the left, the sample on the right"
                className={styles.strip}
                testId="rs-strip"
              />
            </div>
            <figcaption>
              The followed sample from noise (left) to the end (right): <Sym v="x" sub="t" /> on top, the model&rsquo;s guess of <Sym v="x" sub="0" /> below
            </figcaption>
          </figure>
        </div>
      </div>

      {err && <ErrorBox title={err.title} detail={err.detail} />}
    </div>
  );
}
