'use client';
import { useMemo } from 'react';
import { line, scaleLinear } from 'd3';
import { Axis } from '@/components/charts/Axis';
import { binned, smoothed } from '@/lib/train/loss-curve';
import type { LossHistory } from './use-train-in-browser';
import styles from './TrainInBrowser.module.css';
import results from '@/components/widgets/shared/results.module.css';

// viewBox units: the SVG scales with its column and keeps its aspect ratio (no layout shift).
const W = 360;
const H = 210;
const M = { top: 12, right: 12, bottom: 28, left: 40 };
const MAX_POINTS = 300;

/**
 * The training loss against the step: every step's loss as faint dots (each step draws its own batch,
 * timesteps and noise, so single steps scatter), and the smoothed loss (Eq. l-hybrid) and its noise-MSE
 * part (Eq. l-simple) as lines. React owns the SVG; d3 gives the scales, the paths and the axes.
 */
export function LossChart({ history, version, step }: { history: LossHistory; version: number; step: number }) {
  const data = useMemo(() => {
    const n = history.length;
    const steps = history.step.subarray(0, n);
    const loss = history.loss.subarray(0, n);
    const mse = history.mse.subarray(0, n);
    // beta 0.9: an average over about the last 10 steps (it lags the single steps by about that much).
    const lossS = smoothed(loss, 0.9);
    const mseS = smoothed(mse, 0.9);
    return {
      n,
      raw: binned(steps, loss, MAX_POINTS),
      loss: binned(steps, lossS, MAX_POINTS),
      mse: binned(steps, mseS, MAX_POINTS),
      last: n > 0 ? { loss: lossS[n - 1], mse: mseS[n - 1] } : null,
      // The y range follows the smoothed curves (a few early raw losses are far above them).
      yMax: n > 0 ? Math.max(0.2, ...Array.from(lossS.subarray(Math.min(n - 1, 5))).filter(Number.isFinite)) * 1.15 : 1.2,
      xMax: n > 0 ? Math.max(50, steps[n - 1]) : 100,
    };
    // version changes whenever the (mutable) history grows
  }, [history, version]); // eslint-disable-line react-hooks/exhaustive-deps

  const x = useMemo(
    () =>
      scaleLinear()
        .domain([0, data.xMax])
        .range([M.left, W - M.right])
        .nice(),
    [data.xMax],
  );
  const y = useMemo(
    () =>
      scaleLinear()
        .domain([0, data.yMax])
        .range([H - M.bottom, M.top])
        .nice(),
    [data.yMax],
  );
  const path = (pts: { step: number; value: number }[]) =>
    line<{ step: number; value: number }>()
      .x((p) => x(p.step))
      .y((p) => y(Math.min(p.value, data.yMax * 1.2)))(pts) ?? '';
  const summary =
    data.last === null
      ? 'Training loss: no steps yet.'
      : `Training loss after ${step} steps: smoothed ${data.last.loss.toFixed(3)}, of which the noise MSE is ${data.last.mse.toFixed(3)}.`;

  return (
    <figure className={styles.chartFigure}>
      <svg viewBox={`0 0 ${W} ${H}`} className={styles.chart} role="img" aria-label={summary} data-testid="tib-loss-chart" data-points={data.n}>
        <Axis scale={x} orient="bottom" transform={`translate(0,${H - M.bottom})`} ticks={5} />
        <Axis scale={y} orient="left" transform={`translate(${M.left},0)`} ticks={5} />
        <text x={W - M.right} y={H - 2} textAnchor="end" className={results.axisLabel}>
          step
        </text>
        <text x={M.left + 4} y={M.top + 2} className={results.axisLabel} dominantBaseline="hanging">
          loss
        </text>
        <g clipPath="url(#tib-clip)">
          <clipPath id="tib-clip">
            <rect x={M.left} y={M.top - 2} width={W - M.left - M.right} height={H - M.top - M.bottom + 4} />
          </clipPath>
          {data.raw.map((p, i) => (
            <circle key={i} cx={x(p.step)} cy={y(p.value)} r={1.2} className={styles.rawDot} />
          ))}
          <path d={path(data.mse)} fill="none" className={styles.mseLine} strokeWidth={1.8} />
          <path d={path(data.loss)} fill="none" className={styles.lossLine} strokeWidth={2.2} />
        </g>
        {data.n === 0 && (
          <text x={(M.left + W - M.right) / 2} y={(M.top + H - M.bottom) / 2} textAnchor="middle" className={results.axisLabel}>
            The loss appears here once training starts.
          </text>
        )}
      </svg>
      <figcaption className={styles.legend}>
        <span>
          <i className={styles.swatchLoss} /> loss <var>L</var>
          <sub>hybrid</sub> (smoothed)
        </span>
        <span>
          <i className={styles.swatchMse} /> its noise MSE <var>L</var>
          <sub>simple</sub>
        </span>
        <span>
          <i className={styles.swatchRaw} /> single steps
        </span>
      </figcaption>
    </figure>
  );
}
