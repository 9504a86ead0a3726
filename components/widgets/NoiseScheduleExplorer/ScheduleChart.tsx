'use client';
import { useMemo, type PointerEvent, type ReactNode } from 'react';
import { line, scaleLinear, scaleLog } from 'd3';
import type { ScheduleName } from '@/lib/diffusion/schedules';
import { Axis, plotArea } from '@/components/charts/Axis';
import { SCHEDULE_STYLE } from '@/components/widgets/shared/series-style';
import styles from './NoiseScheduleExplorer.module.css';

// viewBox units; the SVG scales to its column, so the chart keeps its aspect ratio (no layout shift).
const W = 240;
const H = 180;
const M = { top: 10, right: 12, bottom: 24, left: 44 };
const X_TICKS = [1, 250, 500, 750, 1000];

export interface ChartSeries {
  name: ScheduleName;
  values: Float64Array;
}

/** One quantity (beta_t, alpha_bar_t or log-SNR) of every schedule against t, with a rule at the chosen t. */
export function ScheduleChart({
  id,
  title,
  description,
  series,
  visible,
  t,
  numTimesteps,
  yScale: yScaleType,
  yDomain,
  yFormat,
  onPickT,
}: {
  id: string;
  title: ReactNode;
  /** Accessible summary of what the chart shows at t. */
  description: string;
  series: ChartSeries[];
  visible: Record<ScheduleName, boolean>;
  t: number;
  numTimesteps: number;
  yScale: 'linear' | 'log';
  yDomain: [number, number];
  yFormat: (v: number) => string;
  onPickT: (t: number) => void;
}) {
  const [y0, y1] = yDomain;
  const x = useMemo(
    () =>
      scaleLinear()
        .domain([1, numTimesteps])
        .range([M.left, W - M.right]),
    [numTimesteps],
  );
  const y = useMemo(
    () =>
      (yScaleType === 'log' ? scaleLog() : scaleLinear())
        .domain([y0, y1])
        .range([H - M.bottom, M.top])
        .clamp(true),
    [yScaleType, y0, y1],
  );
  const yTicks = yScaleType === 'log' ? undefined : 4;
  const yTickValues = useMemo(() => (yScaleType === 'log' ? logTicks(y0, y1) : undefined), [yScaleType, y0, y1]);

  // The curves depend only on the scales: moving t re-renders the rule and dots, not 3,000 points.
  const paths = useMemo(
    () =>
      series.map((s) => ({
        name: s.name,
        d:
          line<number>()
            .x((_, i) => x(i + 1))
            .y((v) => y(v))(Array.from(s.values)) ?? '',
      })),
    [series, x, y],
  );

  const pick = (e: PointerEvent<SVGRectElement>) => {
    const svg = e.currentTarget.ownerSVGElement;
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    onPickT(x.invert(((e.clientX - box.left) * W) / box.width));
  };

  const xt = x(t);
  return (
    <div className={styles.chart} role="group" aria-labelledby={`${id}-title`}>
      <p className={styles.chartTitle} id={`${id}-title`}>
        {title}
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} className={styles.svg} role="img" aria-label={description} data-testid={id}>
        <Axis scale={x} orient="bottom" transform={`translate(0,${H - M.bottom})`} tickValues={X_TICKS} tickFormat={String} />
        <Axis scale={y} orient="left" transform={`translate(${M.left},0)`} ticks={yTicks} tickValues={yTickValues} tickFormat={yFormat} />
        <g clipPath={`url(#${id}-clip)`}>
          <clipPath id={`${id}-clip`}>
            <rect x={M.left} y={M.top - 2} width={W - M.left - M.right} height={H - M.top - M.bottom + 4} />
          </clipPath>
          {paths.map((p) =>
            visible[p.name] ? (
              <path
                key={p.name}
                d={p.d}
                fill="none"
                stroke={SCHEDULE_STYLE[p.name].color}
                strokeDasharray={SCHEDULE_STYLE[p.name].dash}
                strokeWidth={2}
                strokeLinecap="round"
              />
            ) : null,
          )}
        </g>
        <line className={styles.rule} x1={xt} x2={xt} y1={M.top} y2={H - M.bottom} />
        {series.map((s) =>
          visible[s.name] ? (
            <circle key={s.name} cx={xt} cy={y(s.values[t - 1])} r={3.5} fill={SCHEDULE_STYLE[s.name].color} stroke="var(--bg-soft)" strokeWidth={1.5} />
          ) : null,
        )}
        <rect
          className={styles.hit}
          {...plotArea(W, H, M)}
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            pick(e);
          }}
          onPointerMove={(e) => {
            if (e.buttons & 1) pick(e);
          }}
        />
      </svg>
    </div>
  );
}

/** Powers of ten inside [lo, hi], thinned to at most five ticks. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) out.push(10 ** e);
  const step = Math.ceil(out.length / 5);
  return out.filter((_, i) => (out.length - 1 - i) % step === 0);
}
