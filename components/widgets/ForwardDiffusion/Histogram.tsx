'use client';
import { useMemo } from 'react';
import { area, line, scaleLinear } from 'd3';
import { Axis } from '@/components/charts/Axis';
import { normalPdf, type Histogram } from './forward-diffusion';
import styles from './ForwardDiffusion.module.css';

const W = 360;
const H = 170;
const M = { top: 8, right: 10, bottom: 22, left: 34 };
const X_TICKS = [-4, -3, -2, -1, 0, 1, 2, 3, 4];

/** Bars of x_t's values against the N(0, 1) density; x_0's values faded behind. */
export function ValueHistogram({ xt, x0, show, label }: { xt: Histogram; x0: Histogram; show: boolean; label: string }) {
  const x = useMemo(
    () =>
      scaleLinear()
        .domain([xt.lo, xt.hi])
        .range([M.left, W - M.right]),
    [xt.lo, xt.hi],
  );
  const peak = Math.max(0.5, ...xt.density);
  // A y-range that only grows in steps keeps the axis still while the slider moves a little.
  const yMax = Math.ceil(peak * 1.1 * 4) / 4;
  const y = useMemo(
    () =>
      scaleLinear()
        .domain([0, yMax])
        .range([H - M.bottom, M.top]),
    [yMax],
  );
  const normal = useMemo(() => {
    const xs = Array.from({ length: 161 }, (_, i) => xt.lo + ((xt.hi - xt.lo) * i) / 160);
    return (
      line<number>()
        .x((v) => x(v))
        .y((v) => y(normalPdf(v)))(xs) ?? ''
    );
  }, [x, y, xt.lo, xt.hi]);
  const bars = (h: Histogram) => {
    // One stepped outline per histogram: cheaper to repaint than 48 rects.
    const pts: [number, number][] = [];
    h.density.forEach((d, k) => {
      const a = h.lo + k * h.binWidth;
      pts.push([a, d], [a + h.binWidth, d]);
    });
    return (
      area<[number, number]>()
        .x((p) => x(p[0]))
        .y0(y(0))
        .y1((p) => y(Math.min(p[1], yMax)))(pts) ?? ''
    );
  };
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className={styles.hist} role="img" aria-label={label} data-testid="fd-histogram">
      <Axis scale={x} orient="bottom" transform={`translate(0,${H - M.bottom})`} tickValues={X_TICKS} tickFormat={(v) => String(v).replace('-', '\u2212')} />
      <Axis scale={y} orient="left" transform={`translate(${M.left},0)`} ticks={4} />
      {show && (
        <>
          <path d={bars(x0)} className={styles.barsX0} data-testid="fd-hist-x0" />
          <path d={bars(xt)} className={styles.barsXt} data-testid="fd-hist-xt" />
        </>
      )}
      <path d={normal} className={styles.normal} />
    </svg>
  );
}
