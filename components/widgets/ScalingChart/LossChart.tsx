'use client';
import { useMemo } from 'react';
import { extent, line, scaleLinear, scaleLog } from 'd3';
import { Axis, AxisTitles, CHART_MARGINS } from '@/components/charts/Axis';
import results from '@/components/widgets/shared/results.module.css';
import { Mark, type MarkShape } from './marks';

const W = 320;
const H = 200;
const M = CHART_MARGINS;

export interface LossSeries {
  key: string;
  color: string;
  dash?: string;
  /** A mark drawn at the last point, so lines that only differ by dash are told apart at their ends too. */
  shape?: MarkShape;
  points: { step: number; loss: number }[];
}

/** Training loss against step, one line per model, on shared axes (log-scale loss). */
export function LossChart({ id, series, description }: { id: string; series: LossSeries[]; description: string }) {
  const all = series.flatMap((s) => s.points);
  const s1 = Math.max(1, ...all.map((p) => p.step));
  const [lo, hi] = extent(
    all.filter((p) => p.loss > 0),
    (p) => p.loss,
  ) as [number | undefined, number | undefined];
  const yLo = lo ?? 0.01;
  const yHi = hi ?? 1;
  const x = useMemo(
    () =>
      scaleLinear()
        .domain([0, s1])
        .range([M.left, W - M.right])
        .nice(),
    [s1],
  );
  const y = useMemo(
    () =>
      scaleLog()
        .domain([yLo * 0.9, yHi * 1.1])
        .range([H - M.bottom, M.top]),
    [yLo, yHi],
  );
  const yTicks = useMemo(() => y.ticks(4).filter((v) => /^[125]/.test(v.toExponential())), [y]);
  const paths = useMemo(
    () =>
      series.map((s) => ({
        ...s,
        d:
          line<{ step: number; loss: number }>()
            .x((p) => x(p.step))
            .y((p) => y(Math.max(p.loss, yLo * 0.9)))(s.points) ?? '',
      })),
    [series, x, y, yLo],
  );
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className={results.svg} role="img" aria-label={description} data-testid={id} data-series={series.length}>
      <Axis scale={x} orient="bottom" transform={`translate(0,${H - M.bottom})`} ticks={5} />
      <Axis scale={y} orient="left" transform={`translate(${M.left},0)`} tickValues={yTicks} tickFormat={(v: number) => String(Number(v.toPrecision(2)))} />
      <AxisTitles width={W} height={H} margin={M} x="training step" y="training loss (log)" className={results.axisLabel} />
      {paths.map((p) => (
        <path key={p.key} data-key={p.key} d={p.d} fill="none" stroke={p.color} strokeWidth={1.5} strokeDasharray={p.dash} strokeLinejoin="round" />
      ))}
      {paths.map((p) => {
        const last = p.points.at(-1);
        return p.shape && last ? (
          <Mark key={`end-${p.key}`} shape={p.shape} x={x(last.step)} y={y(Math.max(last.loss, yLo * 0.9))} r={3} color={p.color} />
        ) : null;
      })}
    </svg>
  );
}
