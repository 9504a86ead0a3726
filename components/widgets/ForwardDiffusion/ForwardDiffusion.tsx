'use client';
import type { ReactNode } from 'react';
import { Sym } from '@/components/widgets/shared/Sym';
import { SCHEDULE_LABELS, type ScheduleName } from '@/lib/diffusion/schedules';
import { DigitPicker, SelectControl, TimestepControl } from '@/components/widgets/shared/RangeControl';
import { DigitFigure } from '@/components/widgets/shared/DigitCanvas';
import { formatDisplay } from '@/components/widgets/shared/format';
import { SCHEDULES } from '@/components/widgets/shared/schedules';
import controls from '@/components/widgets/shared/controls.module.css';
import { DigitsError, frameAttributes } from '@/components/widgets/shared/StatusParts';
import { ValueHistogram } from './Histogram';
import { FD_URL, HIST_RANGE, useForwardDiffusion } from './use-forward-diffusion';
import { SettingLink } from '../shared/SettingLink';
import styles from './ForwardDiffusion.module.css';

const SCHEDULE_OPTIONS = SCHEDULES.map((name) => ({ value: name, label: SCHEDULE_LABELS[name] }));

/** One picture of the equation x_t = sqrt(alpha-bar) x_0 + sqrt(1 - alpha-bar) epsilon. */
function Term(p: { values: Float32Array | null; label: string; testId: string; caption: ReactNode }) {
  return <DigitFigure figureClassName={styles.panel} className={styles.canvas} {...p} />;
}

/**
 * Forward diffusion of a real MNIST test digit: x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps,
 * live as t, the schedule, the digit or the noise seed change, with a histogram of x_t's values
 * against the N(0, 1) density.
 */
export function ForwardDiffusion() {
  const s = useForwardDiffusion();
  const disabled = !s.ready;
  const f = formatDisplay;
  return (
    <div {...frameAttributes('forward-diffusion', 'fd', styles.root)} aria-busy={s.digits.status === 'loading'}>
      <div className={controls.controls}>
        <DigitPicker {...s.picker} disabled={disabled} testIds={['fd-digit', 'fd-sample']} />
        <SelectControl<ScheduleName>
          label="Schedule"
          value={s.schedule}
          options={SCHEDULE_OPTIONS}
          onChange={s.setSchedule}
          disabled={disabled}
          testId="fd-schedule"
        />
        <TimestepControl value={s.t} max={s.numTimesteps} onChange={s.setT} disabled={disabled} className={controls.wide} testId="fd-t" />
      </div>

      <div
        className={styles.equation}
        role="group"
        aria-label="x_t equals square root of alpha-bar times x_0 plus square root of one minus alpha-bar times epsilon"
      >
        <Term values={s.ready ? s.xt : null} label={`x_t: digit ${s.digitClass} noised to t = ${s.t}`} testId="fd-xt" caption={<Sym v="x" sub="t" />} />
        <span className={styles.op}>=</span>
        <span className={styles.coef} data-testid="fd-sqrt-abar" data-value={s.sqrtAlphaBar}>
          {f(s.sqrtAlphaBar)}
        </span>
        <span className={styles.op}>·</span>
        <Term
          values={s.ready ? s.x0 : null}
          label={`x_0: MNIST test digit ${s.digitClass}, sample ${s.sample}`}
          testId="fd-x0"
          caption={<Sym v="x" sub="0" />}
        />
        <span className={styles.op}>+</span>
        <span className={styles.coef} data-testid="fd-sqrt-1-abar" data-value={s.sqrtOneMinusAlphaBar}>
          {f(s.sqrtOneMinusAlphaBar)}
        </span>
        <span className={styles.op}>·</span>
        <Term values={s.ready ? s.eps : null} label={`epsilon: Gaussian noise, seed ${s.seed}`} testId="fd-eps" caption={<var>ε</var>} />
      </div>

      <div className={styles.lower}>
        <div className={styles.histBox}>
          <ValueHistogram
            xt={s.histXt}
            x0={s.histX0}
            show={s.ready}
            label={`Histogram of the ${s.histXt.n} pixel values of x_t (mean ${s.stats.mean.toFixed(2)}, standard deviation ${s.stats.std.toFixed(2)}${s.histXt.outside > 0 ? `, ${s.histXt.outside} outside the plotted range` : ''}) against the standard normal density`}
          />
          <p className={styles.legend}>
            <span className={styles.keyXt} aria-hidden="true" /> values of <Sym v="x" sub="t" /> <span className={styles.keyX0} aria-hidden="true" /> values of{' '}
            <Sym v="x" sub="0" /> <span className={styles.keyNormal} aria-hidden="true" /> density of N(0,&nbsp;1)
          </p>
        </div>
        <div className={styles.side}>
          <dl className={styles.values} data-testid="fd-values">
            <div>
              <dt>
                √<span className={styles.over}>ᾱ</span>
                <sub>t</sub>
              </dt>
              <dd>{f(s.sqrtAlphaBar)}</dd>
            </div>
            <div>
              <dt>
                √(1 − <span className={styles.over}>ᾱ</span>
                <sub>t</sub>)
              </dt>
              <dd>{f(s.sqrtOneMinusAlphaBar)}</dd>
            </div>
            <div>
              <dt>
                SNR = <span className={styles.over}>ᾱ</span>
                <sub>t</sub> / (1 − <span className={styles.over}>ᾱ</span>
                <sub>t</sub>)
              </dt>
              <dd data-testid="fd-snr" data-value={s.snr}>
                {f(s.snr)}
              </dd>
            </div>
            <div>
              <dt>
                mean, std of <Sym v="x" sub="t" />
              </dt>
              <dd data-testid="fd-stats">{s.ready ? `${f(Number(s.stats.mean.toFixed(3)))}, ${f(Number(s.stats.std.toFixed(3)))}` : '–'}</dd>
            </div>
            <div className={styles.seedRow}>
              <dt>noise seed</dt>
              <dd data-testid="fd-seed">{s.seed}</dd>
            </div>
          </dl>
          <button type="button" className={controls.button} onClick={s.reroll} disabled={disabled} data-testid="fd-reroll">
            Re-roll noise
          </button>
        </div>
      </div>
      <p className={styles.note}>
        Pixels are shown clipped to [−1, 1] (black to white); the histogram counts the {s.histXt.n} values of <Sym v="x" sub="t" /> that fall in [
        {HIST_RANGE.lo}, {HIST_RANGE.hi}].
      </p>
      <SettingLink prefix="fd" spec={FD_URL} settings={s.settings} problems={s.urlProblems} />

      {s.digits.status === 'loading' && (
        <div className={controls.overlay} role="status">
          <span className={controls.loading}>Loading digits…</span>
        </div>
      )}
      {s.digits.status === 'error' && (
        <DigitsError message={s.digits.message} testId="fd-error">
          This widget needs <code>/data/mnist-test-sample.bin</code>; the rest of the page works without it. Reload the page to try again.
        </DigitsError>
      )}
    </div>
  );
}
