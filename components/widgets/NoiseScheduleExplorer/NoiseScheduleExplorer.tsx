'use client';
import { publishWidgetState } from '@/lib/exercises/widget-state';
import { Sym } from '@/components/widgets/shared/Sym';
import { useEffect, useMemo } from 'react';
import { extent } from 'd3';
import { SCHEDULE_LABELS, type ScheduleName } from '@/lib/diffusion/schedules';
import { SelectControl, TimestepControl } from '@/components/widgets/shared/RangeControl';
import { formatDisplay, formatValue } from '@/components/widgets/shared/format';
import { SCHEDULE_STYLE } from '@/components/widgets/shared/series-style';
import { useHydrated } from '@/components/widgets/shared/use-hydrated';
import { frameAttributes } from '../shared/StatusParts';
import controls from '@/components/widgets/shared/controls.module.css';
import { ScheduleChart, type ChartSeries } from './ScheduleChart';
import { NSE_URL, SCHEDULES, useNoiseScheduleExplorer, type BetaAxis } from './use-noise-schedule-explorer';
import { SettingLink } from '../shared/SettingLink';
import styles from './NoiseScheduleExplorer.module.css';

const BETA_AXES = [
  { value: 'log', label: 'logarithmic' },
  { value: 'linear', label: 'linear' },
] as const satisfies readonly { value: BetaAxis; label: string }[];

// Phones show these in the readout table (the full label stays for screen readers and wide screens).
const SHORT_LABELS: Record<ScheduleName, string> = { linear: 'Linear', 'scaled-linear': 'Scaled lin.', cosine: 'Cosine' };

const fmtTick = (v: number) => {
  if (v === 0) return '0';
  if (Math.abs(v) < 0.01) return `1e${Math.round(Math.log10(v))}`.replace('-', '\u2212');
  return String(Math.round(v * 1000) / 1000).replace('-', '\u2212');
};

/**
 * Noise-schedule explorer: beta_t, alpha_bar_t and log-SNR against t for the linear (DDPM / DiT),
 * scaled-linear (Stable Diffusion) and cosine schedules. Moving t, with the slider or by dragging on a
 * chart, reads out every curve at that t.
 */
export function NoiseScheduleExplorer() {
  const s = useNoiseScheduleExplorer();
  const hydrated = useHydrated();
  const { schedules, t } = s;
  // The exercises that ask for a step read it from here (lib/exercises/widget-state.ts).
  useEffect(() => publishWidgetState('noise-schedule-explorer', { t }), [t]);

  const series = useMemo(() => {
    const pick = (key: 'betas' | 'alphasCumprod' | 'logSnr'): ChartSeries[] => SCHEDULES.map((name) => ({ name, values: schedules[name][key] }));
    return { beta: pick('betas'), alphaBar: pick('alphasCumprod'), logSnr: pick('logSnr') };
  }, [schedules]);

  const domains = useMemo(() => {
    const all = (list: ChartSeries[]) => list.flatMap((c) => Array.from(c.values));
    const [bMin = 1e-5, bMax = 1] = extent(all(series.beta));
    const [lMin = -20, lMax = 10] = extent(all(series.logSnr));
    return {
      betaLog: [10 ** Math.floor(Math.log10(bMin)), 1] as [number, number],
      betaLinear: [0, Math.max(bMax, 0.02)] as [number, number],
      logSnr: [Math.floor(lMin / 5) * 5, Math.ceil(lMax / 5) * 5] as [number, number],
    };
  }, [series]);

  const at = (key: 'beta' | 'alphaBar' | 'logSnr') =>
    s.readout
      .filter((r) => s.visible[r.name])
      .map((r) => `${r.label} ${formatValue(r[key])}`)
      .join('; ');

  return (
    <div {...frameAttributes('noise-schedule-explorer', 'nse', styles.root)} data-ready={hydrated}>
      <div className={`${controls.controls} ${styles.controlsBar}`}>
        <TimestepControl value={t} max={s.numTimesteps} onChange={s.setT} className={styles.tControl} testId="nse-t" />
        <SelectControl label="β axis" value={s.betaAxis} options={BETA_AXES} onChange={s.setBetaAxis} testId="nse-beta-axis" />
      </div>
      <SettingLink prefix="nse" spec={NSE_URL} settings={s.settings} problems={s.urlProblems} />

      <div className={styles.charts}>
        <ScheduleChart
          id="nse-beta"
          title={
            <>
              Noise added per step, <Sym v="β" sub="t" />
            </>
          }
          description={`beta_t against t (${s.betaAxis} axis). At t = ${t}: ${at('beta')}.`}
          series={series.beta}
          visible={s.visible}
          t={t}
          numTimesteps={s.numTimesteps}
          yScale={s.betaAxis}
          yDomain={s.betaAxis === 'log' ? domains.betaLog : domains.betaLinear}
          yFormat={fmtTick}
          onPickT={s.setT}
        />
        <ScheduleChart
          id="nse-alpha-bar"
          title={
            <>
              Signal kept, <Sym v="ᾱ" sub="t" />
            </>
          }
          description={`alpha_bar_t against t. At t = ${t}: ${at('alphaBar')}.`}
          series={series.alphaBar}
          visible={s.visible}
          t={t}
          numTimesteps={s.numTimesteps}
          yScale="linear"
          yDomain={[0, 1]}
          yFormat={fmtTick}
          onPickT={s.setT}
        />
        <ScheduleChart
          id="nse-log-snr"
          title={
            <>
              Signal-to-noise, log&nbsp;SNR(<var>t</var>)
            </>
          }
          description={`log-SNR against t. At t = ${t}: ${at('logSnr')}.`}
          series={series.logSnr}
          visible={s.visible}
          t={t}
          numTimesteps={s.numTimesteps}
          yScale="linear"
          yDomain={domains.logSnr}
          yFormat={fmtTick}
          onPickT={s.setT}
        />
      </div>

      <div className={styles.readoutWrap}>
        <table className={styles.readout} data-testid="nse-readout">
          <caption className="visually-hidden">Values of every schedule at t = {t}</caption>
          <thead>
            <tr>
              <th scope="col">
                Schedule <span className={`${styles.muted} ${styles.long}`}>(show)</span>
              </th>
              <th scope="col">
                <Sym v="β" sub="t" />
              </th>
              <th scope="col">
                <Sym v="ᾱ" sub="t" />
              </th>
              <th scope="col">log SNR</th>
            </tr>
          </thead>
          <tbody>
            {s.readout.map((r) => (
              <tr key={r.name} data-schedule={r.name} className={s.visible[r.name] ? undefined : styles.hidden}>
                <th scope="row">
                  <label className={styles.toggle}>
                    <input type="checkbox" checked={s.visible[r.name]} onChange={() => s.toggle(r.name)} />
                    <svg width="26" height="10" viewBox="0 0 26 10" aria-hidden="true" className={styles.swatch}>
                      <line
                        x1="1"
                        x2="25"
                        y1="5"
                        y2="5"
                        stroke={SCHEDULE_STYLE[r.name].color}
                        strokeWidth="2.5"
                        strokeDasharray={SCHEDULE_STYLE[r.name].dash}
                        strokeLinecap="round"
                      />
                    </svg>
                    <span className={styles.long}>{SCHEDULE_LABELS[r.name]}</span>
                    <span className={styles.short} aria-hidden="true">
                      {SHORT_LABELS[r.name]}
                    </span>
                  </label>
                </th>
                <td data-testid={`nse-${r.name}-beta`} data-value={r.beta}>
                  {formatDisplay(r.beta)}
                </td>
                <td data-testid={`nse-${r.name}-alpha-bar`} data-value={r.alphaBar}>
                  {formatDisplay(r.alphaBar)}
                </td>
                <td data-testid={`nse-${r.name}-log-snr`} data-value={r.logSnr}>
                  {formatDisplay(r.logSnr)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
